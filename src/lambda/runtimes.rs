//! What differs between Lambda runtimes as API Gateway sees them: how a returned value is
//! serialized, how an uncaught error is shaped (keys, key order, default type, stack trace), and how
//! the runtime logs it. Shapes follow semantics §2.2; the stack frames are realistic examples of
//! what each runtime prints for a handler that throws on its first line (their exact text is
//! UNCONFIRMED, see [`super::UNCONFIRMED_TRACE_TEXT`]).

use serde_json::{Map, Value, json};

use super::serialize::{self, Style};

/// The language family of a runtime id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Node,
    Python,
    Java,
    DotNet,
    Ruby,
    /// `provided.al2023` / `provided.al2` / `go1.x`: errors shaped as `aws-lambda-go` shapes them.
    Go,
    /// An id the lab does not know: the Runtime API's documented error shape.
    Custom,
}

/// A Lambda runtime id, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    pub id: String,
    pub language: Language,
    /// The major version (`20` for `nodejs20.x`, `3` for `python3.12`).
    pub major: u32,
    /// The minor version where the id has one (`12` for `python3.12`, `4` for `ruby3.4`).
    pub minor: u32,
}

impl Runtime {
    /// Understands any runtime id; unknown ids become [`Language::Custom`].
    pub fn parse(id: &str) -> Runtime {
        let id = id.trim();
        let prefixes: [(&str, Language); 7] = [
            ("nodejs", Language::Node),
            ("python", Language::Python),
            ("java", Language::Java),
            ("dotnet", Language::DotNet),
            ("ruby", Language::Ruby),
            ("provided", Language::Go),
            ("go", Language::Go),
        ];
        let (language, rest) = prefixes
            .iter()
            .find_map(|(p, l)| id.strip_prefix(p).map(|rest| (*l, rest)))
            .unwrap_or((Language::Custom, ""));
        let mut numbers = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<u32>().unwrap_or(0));
        Runtime {
            id: id.to_string(),
            language,
            major: numbers.next().unwrap_or(0),
            minor: numbers.next().unwrap_or(0),
        }
    }

    /// The serializer conventions of the runtime's responses.
    pub fn style(&self) -> Style {
        match self.language {
            Language::Node | Language::Custom => Style::Node,
            Language::Python => Style::Python,
            Language::Java => Style::Java,
            Language::DotNet => Style::DotNet,
            Language::Ruby => Style::Ruby,
            Language::Go => Style::Go,
        }
    }

    /// The `errorType` of an error thrown without naming one.
    pub fn default_error_type(&self) -> &'static str {
        match self.language {
            Language::Node => "Error",
            Language::Python | Language::DotNet => "Exception",
            Language::Java => "java.lang.RuntimeException",
            Language::Ruby => "RuntimeError",
            Language::Go => "errorString",
            Language::Custom => "Error",
        }
    }

    /// The payload of a handler that throws `error_type` (or the default) with `message`.
    pub fn thrown_payload(
        &self,
        error_type: Option<&str>,
        message: &str,
        request_id: &str,
    ) -> String {
        let ty = error_type
            .filter(|t| !t.is_empty())
            .unwrap_or(self.default_error_type());
        let style = self.style();
        match self.language {
            Language::Node => serialize::to_string(
                &json!({"errorType": ty, "errorMessage": message, "trace": self.node_trace(ty, message)}),
                style,
            ),
            Language::Python => {
                let mut m = Map::new();
                m.insert("errorMessage".into(), message.into());
                m.insert("errorType".into(), ty.into());
                if (self.major, self.minor) >= (3, 9) {
                    m.insert("requestId".into(), request_id.into());
                }
                m.insert("stackTrace".into(), json!([python_frame(ty, message)]));
                serialize::to_string(&Value::Object(m), style)
            }
            Language::Java => serialize::to_string(
                &json!({"errorMessage": message, "errorType": ty, "stackTrace": self.java_frames()}),
                style,
            ),
            Language::DotNet => dotnet_payload(ty, message),
            Language::Ruby => serialize::to_string(
                &json!({"errorMessage": message, "errorType": ruby_type(ty), "stackTrace": self.ruby_frames()}),
                style,
            ),
            Language::Go => {
                serialize::to_string(&json!({"errorMessage": message, "errorType": ty}), style)
            }
            Language::Custom => serialize::to_string(
                &json!({"errorMessage": message, "errorType": ty, "stackTrace": []}),
                style,
            ),
        }
    }

    /// What the runtime writes to the function's log for an uncaught error (without the
    /// timestamp/request-id prefix the Node runtime adds; see [`super::logs`]).
    pub fn thrown_log(&self, error_type: Option<&str>, message: &str) -> Vec<String> {
        let ty = error_type
            .filter(|t| !t.is_empty())
            .unwrap_or(self.default_error_type());
        match self.language {
            Language::Node => vec![format!(
                "Invoke Error \t{}",
                serialize::to_string(
                    &json!({"errorType": ty, "errorMessage": message, "stack": self.node_trace(ty, message)}),
                    Style::Node
                )
            )],
            Language::Python => {
                let mut lines = vec![
                    format!("[ERROR] {ty}: {message}"),
                    "Traceback (most recent call last):".to_string(),
                ];
                lines.extend(
                    python_frame(ty, message)
                        .trim_end()
                        .lines()
                        .map(String::from),
                );
                lines
            }
            Language::Java => {
                let mut lines = vec![format!("{message}: {ty}"), format!("{ty}: {message}")];
                lines.extend(self.java_frames().iter().map(|f| format!("\tat {f}")));
                lines
            }
            Language::DotNet => {
                let mut lines = vec![format!("{ty}: {message}")];
                lines.extend(DOTNET_FRAMES.iter().map(|f| format!("   {f}")));
                lines
            }
            Language::Ruby => vec![
                "Error raised from handler method".to_string(),
                serialize::to_string(
                    &json!({"errorMessage": message, "errorType": ruby_type(ty), "stackTrace": self.ruby_frames()}),
                    Style::Ruby,
                ),
            ],
            Language::Go | Language::Custom => Vec::new(),
        }
    }

    /// Node's `error.stack.split("\n")` for an Error thrown on the handler's first line.
    fn node_trace(&self, ty: &str, message: &str) -> Vec<String> {
        let head = if message.is_empty() {
            ty.to_string()
        } else {
            format!("{ty}: {message}")
        };
        let mut lines: Vec<String> = head.split('\n').map(String::from).collect();
        lines.push(format!("    at Runtime.handler ({}:2:11)", NODE_TASK_FILE));
        lines.push(self.node_runtime_frame().to_string());
        lines
    }

    /// The runtime's own frame below the handler in a Node stack.
    pub fn node_runtime_frame(&self) -> &'static str {
        if self.major >= 18 {
            "    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)"
        } else {
            "    at Runtime.handleOnce (/var/runtime/Runtime.js:66:25)"
        }
    }

    fn java_frames(&self) -> Vec<&'static str> {
        let mut frames = vec!["example.Handler.handleRequest(Handler.java:14)"];
        if self.major >= 21 {
            frames.extend([
                "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(Unknown Source)",
                "java.base/java.lang.reflect.Method.invoke(Unknown Source)",
            ]);
        } else {
            frames.extend([
                "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
                "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke(Unknown Source)",
                "java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(Unknown Source)",
                "java.base/java.lang.reflect.Method.invoke(Unknown Source)",
            ]);
        }
        frames
    }

    fn ruby_frames(&self) -> Vec<String> {
        // Ruby 3.4 changed backtrace labels from `method' to 'Class#method'.
        let (open, label) = if (self.major, self.minor) >= (3, 4) {
            ('\'', "Object#lambda_handler")
        } else {
            ('`', "lambda_handler")
        };
        let ric = format!(
            "/var/runtime/gems/aws_lambda_ric-{}/lib/aws_lambda_ric",
            ruby_ric_version(self)
        );
        vec![
            format!("/var/task/lambda_function.rb:3:in {open}{label}'"),
            format!("{ric}/lambda_handler.rb:28:in {open}call_handler'"),
            format!("{ric}.rb:88:in {open}run_user_code'"),
        ]
    }
}

/// Where the lab's Node handler lives, as Node prints it in stack traces (CommonJS).
pub const NODE_TASK_FILE: &str = "/var/task/index.js";

fn ruby_ric_version(rt: &Runtime) -> &'static str {
    if (rt.major, rt.minor) >= (3, 3) {
        "3.1.0"
    } else {
        "3.0.0"
    }
}

/// Ruby's runtime reports `Function<ErrorClass>`; a type already in that form is kept.
fn ruby_type(ty: &str) -> String {
    if ty.starts_with("Function<") {
        ty.to_string()
    } else {
        format!("Function<{ty}>")
    }
}

/// One pre-formatted traceback entry, as `traceback.format_list` prints it.
fn python_frame(ty: &str, message: &str) -> String {
    format!(
        "  File \"/var/task/lambda_function.py\", line 3, in lambda_handler\n    raise {ty}({})\n",
        python_str_literal(message)
    )
}

/// A Python string literal for `s`, as a programmer would write it.
fn python_str_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const DOTNET_FRAMES: [&str; 3] = [
    "at Example.Function.FunctionHandler(String input, ILambdaContext context) in /src/Function.cs:line 14",
    "at lambda_method1(Closure, Stream, ILambdaContext, Stream)",
    "at Amazon.Lambda.RuntimeSupport.Bootstrap.UserCodeLoader.Invoke(Stream lambdaData, ILambdaContext lambdaContext, Stream outStream) in /src/Repo/Libraries/src/Amazon.Lambda.RuntimeSupport/Bootstrap/UserCodeLoader.cs:line 145",
];

/// The .NET runtime writes its error document indented by two spaces.
fn dotnet_payload(ty: &str, message: &str) -> String {
    let q = |s: &str| serialize::to_string(&Value::String(s.to_string()), Style::DotNet);
    let frames: Vec<String> = DOTNET_FRAMES
        .iter()
        .map(|f| format!("    {}", q(f)))
        .collect();
    format!(
        "{{\n  \"errorType\": {},\n  \"errorMessage\": {},\n  \"stackTrace\": [\n{}\n  ]\n}}",
        q(ty),
        q(message),
        frames.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(payload: &str) -> Value {
        serde_json::from_str(payload).expect("error payloads are JSON")
    }

    fn keys(payload: &str) -> Vec<String> {
        parsed(payload)
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn parses_runtime_ids() {
        let rt = Runtime::parse("python3.12");
        assert_eq!((rt.language, rt.major, rt.minor), (Language::Python, 3, 12));
        assert_eq!(Runtime::parse("nodejs20.x").major, 20);
        assert_eq!(Runtime::parse("provided.al2023").language, Language::Go);
        assert_eq!(Runtime::parse("java8.al2").language, Language::Java);
        assert_eq!(Runtime::parse("cobol1").language, Language::Custom);
    }

    #[test]
    fn node_error_shape() {
        let p = Runtime::parse("nodejs20.x").thrown_payload(None, "Internal Error - boom", "id-1");
        assert!(p.starts_with(r#"{"errorType":"Error","errorMessage":"Internal Error - boom","trace":["Error: Internal Error - boom","    at Runtime.handler (/var/task/index.js:2:11)","#));
        assert!(p.ends_with(
            r#""    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)"]}"#
        ));
    }

    #[test]
    fn node_trace_splits_multiline_messages() {
        let p = Runtime::parse("nodejs20.x").thrown_payload(Some("TypeError"), "a\nb", "id");
        let trace = parsed(&p)["trace"].clone();
        assert_eq!(trace[0], "TypeError: a");
        assert_eq!(trace[1], "b");
        let empty = Runtime::parse("nodejs20.x").thrown_payload(None, "", "id");
        assert_eq!(parsed(&empty)["trace"][0], "Error");
    }

    #[test]
    fn python_error_shape_and_spacing() {
        let p =
            Runtime::parse("python3.12").thrown_payload(Some("Exception"), "Bad Request", "rid");
        assert!(p.starts_with(
            r#"{"errorMessage": "Bad Request", "errorType": "Exception", "requestId": "rid", "stackTrace": ["  File \"/var/task/lambda_function.py\", line 3, in lambda_handler\n    raise Exception(\"Bad Request\")\n"]}"#
        ));
        let old = Runtime::parse("python3.8").thrown_payload(None, "x", "rid");
        assert_eq!(keys(&old), ["errorMessage", "errorType", "stackTrace"]);
    }

    #[test]
    fn java_go_ruby_dotnet_shapes() {
        let java = Runtime::parse("java21").thrown_payload(None, "/ by zero", "r");
        assert_eq!(keys(&java), ["errorMessage", "errorType", "stackTrace"]);
        assert_eq!(parsed(&java)["errorType"], "java.lang.RuntimeException");
        assert!(java.starts_with(r#"{"errorMessage":"/ by zero","#));

        let go =
            Runtime::parse("provided.al2023").thrown_payload(None, "something went wrong!", "r");
        assert_eq!(
            go,
            r#"{"errorMessage":"something went wrong!","errorType":"errorString"}"#
        );

        let ruby = Runtime::parse("ruby3.3").thrown_payload(None, "boom", "r");
        assert_eq!(keys(&ruby), ["errorMessage", "errorType", "stackTrace"]);
        assert_eq!(parsed(&ruby)["errorType"], "Function<RuntimeError>");
        assert!(
            parsed(&ruby)["stackTrace"][0]
                .as_str()
                .unwrap()
                .ends_with("`lambda_handler'")
        );
        let ruby34 = Runtime::parse("ruby3.4").thrown_payload(Some("ArgumentError"), "b", "r");
        assert_eq!(parsed(&ruby34)["errorType"], "Function<ArgumentError>");
        assert!(
            parsed(&ruby34)["stackTrace"][0]
                .as_str()
                .unwrap()
                .ends_with("'Object#lambda_handler'")
        );

        let dotnet = Runtime::parse("dotnet8").thrown_payload(None, "boom", "r");
        assert_eq!(keys(&dotnet), ["errorType", "errorMessage", "stackTrace"]);
        assert!(
            dotnet.starts_with("{\n  \"errorType\": \"Exception\",\n  \"errorMessage\": \"boom\",")
        );
    }

    #[test]
    fn runtime_logs_the_error() {
        let node = Runtime::parse("nodejs20.x").thrown_log(None, "boom");
        assert!(node[0].starts_with("Invoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"boom\",\"stack\":[\"Error: boom\""));
        let py = Runtime::parse("python3.12").thrown_log(None, "boom");
        assert_eq!(py[0], "[ERROR] Exception: boom");
        assert_eq!(py[3], "    raise Exception(\"boom\")");
    }
}
