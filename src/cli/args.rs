//! The command line's shape (clap derive): subcommands, options, and the examples in `--help`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "apigw-lab",
    version,
    about = "See exactly how Amazon API Gateway turns an AWS Lambda result into an HTTP response",
    long_about = "See exactly how Amazon API Gateway turns an AWS Lambda result into an HTTP response: \
                  for a Lambda custom integration, a Lambda proxy integration and an HTTP API at once.\n\n\
                  Without a command, opens the interactive lab on the first built-in scenario.",
    after_help = "Examples:\n  \
        apigw-lab                                  open the lab on the first built-in scenario\n  \
        apigw-lab my-api.toml                      open the lab on a scenario file\n  \
        apigw-lab run scenarios/03-pattern-selects-500.toml\n  \
        apigw-lab check scenarios/                 check every [expect.*] of every scenario\n  \
        apigw-lab match '^Internal Error.*' 'Internal Error - boom'\n  \
        apigw-lab render template.vtl --payload payload.json\n\n\
        Exit status: 0 evaluated, 1 expectations failed, 2 invalid input.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A scenario file to open in the lab (same as `apigw-lab open FILE`).
    pub file: Option<PathBuf>,

    /// When to colour the output.
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive lab (on the first built-in scenario without FILE).
    #[command(after_help = "Examples:\n  apigw-lab open\n  apigw-lab open my-api.toml")]
    Open {
        /// The scenario file to open.
        file: Option<PathBuf>,
    },

    /// Evaluate a scenario and print each mode's execution log and HTTP response.
    #[command(after_help = "Examples:\n  \
        apigw-lab run scenarios/02-throw-is-200.toml\n  \
        apigw-lab run my-api.toml --mode custom\n  \
        apigw-lab run my-api.toml --format json | jq .custom.statusCode\n\n\
        Exit status: 0 when the scenario was evaluated (a 5xx answer is a result, not a failure),\n\
        2 when the file can't be read or is invalid.")]
    Run {
        /// The scenario file (TOML).
        file: PathBuf,
        /// `text` for people, `json` for scripts (the contract of the scenario format spec).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Show only this integration mode.
        #[arg(long, value_enum)]
        mode: Option<ModeArg>,
    },

    /// Evaluate scenarios and report every [expect.*] line that does not hold.
    #[command(after_help = "Examples:\n  \
        apigw-lab check scenarios/\n  \
        apigw-lab check my-api.toml other.toml\n\n\
        Directories are searched for *.toml files, recursively.\n\
        Exit status: 0 all expectations hold, 1 some do not, 2 a file can't be read or is invalid.")]
    Check {
        /// Scenario files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },

    /// Try a selectionPattern on error messages, as API Gateway matches them.
    #[command(
        name = "match",
        after_help = "Examples:\n  \
        apigw-lab match '^Internal Error.*' 'Internal Error - boom'\n  \
        apigw-lab match 'Internal*' 'Internal Error - boom' 'Internal'\n  \
        printf 'a\\nb\\n' | apigw-lab match '.+'         (one message per stdin line)\n\n\
        The pattern is a Java regular expression and must match the whole message.\n\
        Exit status: 0 printed (whether or not it matched), 2 invalid pattern."
    )]
    Match {
        /// The selectionPattern (a Java regular expression).
        pattern: String,
        /// Messages to match; without any, one message per line of standard input.
        messages: Vec<String>,
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },

    /// Render a response mapping template (VTL) against a Lambda payload.
    #[command(after_help = "Examples:\n  \
        apigw-lab render template.vtl --payload payload.json\n  \
        echo '$input.json(\"$.errorMessage\")' | apigw-lab render - --payload error.json\n  \
        apigw-lab render template.vtl --payload p.json --request request.json\n\n\
        The output is the rendered text only, nothing added. The request file is JSON:\n  \
        {\"path\": {..}, \"querystring\": {..}, \"header\": {..}, \"stageVariables\": {..}, \"context\": {..}}\n\
        Exit status: 0 rendered, 2 template error (with line:column and a caret) or bad input.")]
    Render {
        /// The template file, or `-` for standard input.
        template: PathBuf,
        /// The Lambda payload the template reads with $input (default: `{}`).
        #[arg(long)]
        payload: Option<PathBuf>,
        /// The method request: path, querystring and header parameters, stage variables, context.
        #[arg(long)]
        request: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Custom,
    Proxy,
    Http,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl From<ModeArg> for crate::trace::Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Custom => crate::trace::Mode::Custom,
            ModeArg::Proxy => crate::trace::Mode::Proxy,
            ModeArg::Http => crate::trace::Mode::Http,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_bare_file_opens_the_lab() {
        let cli = Cli::try_parse_from(["apigw-lab", "x.toml"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.file, Some(PathBuf::from("x.toml")));
        let cli = Cli::try_parse_from(["apigw-lab", "run", "x.toml", "--format", "json"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Run {
                format: Format::Json,
                ..
            })
        ));
    }
}
