//! One-line cases: template → output, checked against Apache Velocity 1.7 by hand
//! (`/usr/share/java/velocity-1.7.jar`); the differential harness in `tests/` covers more.

use super::*;

/// Plain Velocity 1.7 with the variables the probes used: `$a = "A"`, `$n = 5`,
/// `$list = [1, 2, 3]`, `$map = {x: 1, y: "b"}`, `$big = 2147483647`, `$d = 1.5`.
fn plain(src: &str) -> String {
    let vars = serde_json::json!({"a": "A", "n": 5, "list": [1, 2, 3], "map": {"x": 1, "y": "b"}, "big": 2147483647, "d": 1.5});
    let t = Template::parse(src).unwrap_or_else(|e| panic!("{}", e.render_with_source(src)));
    match render_plain(&t, vars.as_object().unwrap(), &RenderOptions::default()) {
        Ok(r) => r.output,
        Err(e) => format!("ERR {}", e.message),
    }
}

fn parse_err(src: &str) -> VtlError {
    Template::parse(src).expect_err(src)
}

macro_rules! yields {
    ($name:ident, $src:expr, $out:expr) => {
        #[test]
        fn $name() {
            assert_eq!(plain($src), $out, "template: {:?}", $src);
        }
    };
}

// whitespace: #set eats the spaces before it only at a token start; `)` eats the line end
yields!(set_keeps_text_spaces, "a  #set($x = 1)b", "a  b");
yields!(set_eats_line_end, "#set($x = 1)  \nb", "b");
yields!(
    indented_set_keeps_indent_of_text,
    "x\n  #set($x = 1)\n  b",
    "x\n    b"
);
yields!(if_block_lines, "#if(true)\na\n#end", "a\n");
yields!(
    indented_if_keeps_spaces,
    "  #if(true)\n  a\n  #end\nz",
    "    a\n  z"
);
yields!(inline_if_else, "#if(true) a #else b #end|", " a |");
yields!(
    set_after_end_eats_space,
    "#if(true)y#end #set($e = 1)$e",
    "y1"
);
yields!(
    foreach_lines,
    "#foreach($i in [1..2])\n  - $i\n#end\ndone",
    "  - 1\n  - 2\ndone"
);

// escaping depends on whether the reference is defined
yields!(
    escapes,
    r"\$a \$zz \\$a \\$zz \\\$a \\\$zz",
    r"$a \$zz \A \\$zz \$a \\$zz"
);
yields!(
    escaped_directives,
    r"\#if \#foo \\#if(true)x#end \#end \#set",
    r"#if \#foo \x #end #set"
);
yields!(
    double_escape_before_set,
    r"\\#set($x=1)$x \\#foreach($i in [1])$i#end",
    r"\\1 \1"
);

// references
yields!(
    hyphen_is_part_of_the_name,
    "$a-b $a.b $a. $!zz $zz ${a}x $!{zz}y ${ a}",
    "$a-b $a.b A.  $zz Ax y ${ a}"
);
yields!(
    unknown_directives_are_text,
    "#foo #foo($a) #{foo} #1 #abc() color: #fff;",
    "#foo #foo($a) #{foo} #1 #abc() color: #fff;"
);
yields!(
    null_set_keeps_old_value,
    "#set($q = $zz)[$q] #set($a = $zz)$a",
    "[$q] A"
);
yields!(
    string_getters,
    "$a.empty $map.empty $list.size $list.empty $map.size() $map.x",
    "false $map.empty $list.size false 2 1"
);
yields!(
    index_notation,
    "#set($x = {\"a\": {\"b\": [1, {\"c\": 2}]}})$x.a.b[1].c $x[\"a\"][\"b\"][0] $list[-1] $a[0]",
    "2 1 3 $a[0]"
);
yields!(
    no_such_method_prints_reference,
    "$list.get(\"x\") $map.get(1) $list.get(1) $a.charAt(0) $a.concat(\"b\")",
    "$list.get(\"x\") $map.get(1) 2 A Ab"
);
yields!(
    formal_and_quiet,
    "$n.toString().length() ${n}abc $!n $!{n}",
    "1 5abc 5 5"
);

// numbers
yields!(
    int_overflow_widens,
    "#set($r = $big + 1)$r #set($r = 7 / 2)$r #set($r = -7/2)$r",
    "21474836483-3"
);
yields!(
    division_by_zero_is_null,
    "#set($r = 3)#set($r = 7 % 0)<$r> #set($r = 7 / 0)<$r>",
    "<3> <3>"
);
yields!(
    long_overflow_to_biginteger,
    "#set($r = 9223372036854775807 + 1)$r #set($r = 99999999999999999999)$r",
    "922337203685477580899999999999999999999"
);
yields!(
    doubles_print_as_java,
    "$d #set($r = 0.1 + 0.2)$r #set($r = 1e10 * 1.0)$r #set($r = 100.0)$r #set($r = 1.0 / 3)$r",
    "1.50.300000000000000041.0E10100.00.3333333333333333"
);
yields!(
    string_plus_concatenates,
    "#set($r = \"a\" + 1)$r #set($r = \"a\" + $zz)$r #set($x = 1)#set($x = $list + 1)$x",
    "a1a$zz1"
);

// truth and comparison
yields!(
    truth_of_literals,
    "#if(\"abc\")y#else n#end #if([1])y#else n#end #set($e=\"\")#if($e)y#else n#end #if(1)y#else n#end",
    " n  ny  n"
);
yields!(
    equality_across_types,
    "#if(1 == \"1\")y#end #if($zz == $null)y#end #if($a == \"A\")y#end #if(5 == 5.0)y#end",
    "y y y y"
);
yields!(
    comparisons,
    "#set($r = $n < 6)$r #set($r = \"a\" < \"b\")$r #set($r = !$zz)$r #set($r = $a && $zz)$r",
    "truefalsetruefalse"
); // a reference eats the spaces before #set
yields!(
    word_operators,
    "#if($n gt 4 and not ($n eq 6) or false)y#end",
    "y"
);

// collections
yields!(
    literals_and_printing,
    "#set($m = {\"a\":1, \"b\":[1,2]})$m $m.a $m[\"b\"] $m.b[1] $list $list.size() $map.keySet()",
    "{a=1, b=[1, 2]} 1 [1, 2] 2 [1, 2, 3] 3 [x, y]"
);
yields!(
    set_map_and_list_entries,
    "#set( $map.z = 3 )$map #set($list[0] = 9)$list",
    "{x=1, y=b, z=3}[9, 2, 3]"
);
yields!(
    entry_set,
    "$map.entrySet() #foreach($e in $map.entrySet())$e.key=$e.value;#end $map.values()",
    "[x=1, y=b] x=1;y=b; [1, b]"
);
yields!(
    string_methods,
    "#set($s = \"a,b,,c\")$s.split(\",\").size() $s.replaceAll(\"[ab]\", \"X\") $s.matches(\"a.*\") $s.indexOf(\"b\") $s.toUpperCase()",
    "4 X,X,,c true 2 A,B,,C"
);

// loops
yields!(
    ranges_both_ways,
    "#foreach($i in [1..3])$i#end #foreach($i in [3..1])$i#end",
    "123 321"
);
yields!(
    foreach_counters,
    "#foreach($i in $list)$velocityCount $foreach.count $foreach.index $foreach.hasNext $foreach.first $foreach.last,#end",
    "1 1 0 true true false,2 2 1 true false false,3 3 2 false false true,"
);
yields!(
    foreach_over_map_values_and_null,
    "#foreach($k in $map)$k,#end #foreach($c in \"abc\")$c#end #foreach($z in $zz)$z#end end",
    "1,b,   end"
);
yields!(
    break_stops_the_loop,
    "#foreach($i in [1..5])#if($i == 3)#break#end$i#end after",
    "12 after"
);
yields!(stop_ends_the_template, "a#stop b", "a");

// strings, comments, macros, define
yields!(
    string_literals,
    "#set($s = \"a \"\"q\"\" b\")$s #set($s = 'it''s')$s \"${a}\" #set($s = \"x$a y\")$s #set($s='x$a')$s",
    "a \"q\" bit's \"A\" xA yx$a"
);
yields!(
    unicode_escape_only,
    "#set($s = \"\\u0041\\tb\")[$s]",
    "[A\\tb]"
);
yields!(
    comments_and_textblocks,
    "## comment\na#* c *#b #[[ $a #if ]]#c",
    "ab  $a #if c"
);
yields!(
    macros_with_arguments,
    "#macro(m $p $q)[$p|$q]#end#m(1 \"x\") #m($zz) #m(1 2 3)",
    "[1|x] [$zz|$q] [1|2]"
);
yields!(
    macro_without_parens,
    "#macro(m)X#end#m() #m #m(1) #{m}()",
    "X X X X"
);
yields!(
    define_renders_when_used,
    "#define($blk)hello $a#end$blk $blk.length()",
    "hello A $blk.length()"
);
yields!(evaluate_in_plain_velocity, "#evaluate('$a')", "A");
yields!(
    method_exception_is_an_error,
    "$a.substring(7)",
    "ERR Invocation of method 'substring' in  class java.lang.String threw exception java.lang.StringIndexOutOfBoundsException: begin 7, end 1, length 1"
);
yields!(
    index_out_of_range_is_an_error,
    "$list[7]",
    "ERR Error invoking method 'get(java.lang.Integer)' in java.util.ArrayList"
);

#[test]
fn parse_errors_point_at_the_problem() {
    let e = parse_err("#set($s = \"a \\\"q\\\" b\")$s");
    assert_eq!((e.line, e.column), (1, 16), "{e:?}");
    assert!(
        e.hint
            .as_deref()
            .unwrap_or("")
            .contains("two double quotes"),
        "{e:?}"
    );
    let e = parse_err("a #end b");
    assert_eq!((e.line, e.column), (1, 3));
    let e = parse_err("#if($a)\nx");
    assert!(e.message.contains("never closed"), "{e:?}");
    let e = parse_err("#set($r = 5-1)");
    assert_eq!(e.column, 12, "{e:?}");
    parse_err("$a[x]");
    parse_err("${a");
    parse_err("#if x");
    parse_err("#set($r = -$n)");
    parse_err("#foreach($i in [])x#else#end");
}

fn aws(src: &str, body: &str) -> Rendered {
    let t = Template::parse(src).unwrap_or_else(|e| panic!("{}", e.render_with_source(src)));
    let env = Env {
        body: body.into(),
        context: serde_json::json!({"requestId": "abc", "stage": "test"}),
        query_params: [("q".to_string(), "1".to_string())].into_iter().collect(),
        ..Env::default()
    };
    render(
        &t,
        &env,
        &RenderOptions {
            inspect: true,
            ..RenderOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn input_path_renders_as_recorded_on_aws() {
    assert_eq!(
        aws(
            "#set($result = $input.path('$'))$result",
            r#"{"foo": "bar"}"#
        )
        .output,
        "{foo=bar}"
    );
    assert_eq!(
        aws(
            "#set($result = $input.path('$.json'))$result",
            r#"{"json": [{"foo": "bar"}]}"#
        )
        .output,
        r#"[{"foo":"bar"}]"#
    );
    assert_eq!(
        aws(
            "$input.path('$.j')",
            r#"{"j": {"foo": [{"nested": "bar"}]}}"#
        )
        .output,
        r#"{foo=[{"nested":"bar"}]}"#
    );
    let missing = r##"#set($result = $input.path("$.nonExisting")){"body": $result, "nested": $result.nested, "isNull": #if( $result == $null )"true"#else"false"#end, "isEmptyString": #if( $result == "" )"true"#else"false"#end}"##;
    assert_eq!(
        aws(missing, "").output,
        r#"{"body": , "nested": , "isNull": "true", "isEmptyString": "true"}"#
    );
    let list = missing.replace("$.nonExisting", "$.json.listValue");
    assert_eq!(
        aws(&list, r#"{"json": {"listValue": []}}"#).output,
        r#"{"body": [], "nested": , "isNull": "false", "isEmptyString": "false"}"#
    );
}

#[test]
fn input_body_and_params() {
    assert_eq!(
        aws("Action=SendMessage&MessageBody=$input.body", "").output,
        "Action=SendMessage&MessageBody={}"
    );
    assert_eq!(
        aws("#set($result = $input.body.testAccess)$result", "{}").output,
        ""
    );
    assert_eq!(
        aws(
            "EncodedBody=$util.urlEncode($input.body)",
            r#"{"some": "value"}"#
        )
        .output,
        "EncodedBody=%7B%22some%22%3A+%22value%22%7D"
    );
    assert_eq!(
        aws("$input.params('q') $input.params().querystring", "").output,
        "1 {q=1}"
    );
    assert_eq!(
        aws("$input.json('$.a')", r#"{"a": {"b": [1, "x"]}}"#).output,
        r#"{"b":[1,"x"]}"#
    );
    let t = "#set ($o = $util.parseJson($input.path('$.errorMessage')))$o.key2.arr[0]";
    assert_eq!(
        aws(
            t,
            r#"{"errorMessage":"{\"key1\":\"var1\",\"key2\":{\"arr\":[1,2,3]}}"}"#
        )
        .output,
        "1"
    );
}

#[test]
fn overrides_are_collected() {
    let r = aws(
        "#set($context.responseOverride.status = 400)#set($context.responseOverride.header.X-Id = $context.requestId)$context.stage",
        "",
    );
    assert_eq!(r.output, "test");
    assert_eq!(r.overrides.status.as_deref(), Some("400"));
    assert_eq!(
        r.overrides.headers.get("X-Id").map(String::as_str),
        Some("abc")
    );
}

#[test]
fn an_override_set_twice_is_reported_once_per_parameter() {
    let r = aws(
        "#set($context.responseOverride.status = 400)#set($context.responseOverride.header.X-A = 1)#set($context.responseOverride.header['X-B'] = 1)#set($context.requestOverride.path.p = 1)",
        "",
    );
    assert!(
        r.repeated_overrides.is_empty(),
        "{:?}",
        r.repeated_overrides
    );
    let r = aws(
        "#foreach($i in [1, 2, 3])#set($context.responseOverride.status = 400)#set($context.responseOverride.header['X-A'] = $i)#end#set($context.requestOverride.querystring.q = 1)#set($context.requestOverride.querystring.q = 2)#set($context.stage = 'a')#set($context.stage = 'b')",
        "",
    );
    assert_eq!(
        r.repeated_overrides,
        [
            "responseOverride.status",
            "responseOverride.header.X-A",
            "requestOverride.querystring.q"
        ]
    );
}

#[test]
fn an_override_is_noticed_through_aliases_and_put() {
    let r = aws(
        "#set($h = $context.responseOverride.header)#set($h.X = 1)#set($ok = $context.responseOverride.header.put('X', 2))#set($r = $context.responseOverride)#set($r.status = 400)#set($ok = $r.put('status', 401))#set($ok = $h.putIfAbsent('Y', 1))#set($ok = $h.putIfAbsent('Y', 2))#set($ok = $r.put('other', 1))#set($ok = $r.put('other', 2))",
        "",
    );
    assert_eq!(
        r.repeated_overrides,
        ["responseOverride.header.X", "responseOverride.status"]
    );
    // A map of the template's own is not an override, whatever it is called.
    let r = aws(
        "#set($m = {'responseOverride': {'status': 1}})#set($m.responseOverride.status = 2)#set($m.responseOverride.status = 3)",
        "",
    );
    assert!(r.repeated_overrides.is_empty());
}

#[test]
fn aws_limits_and_forbidden_directives() {
    // Modelled as Velocity's `directive.foreach.maxloops = 1000`: the loop stops, with a warning.
    let r = aws("#foreach($i in [1..1500])#set($last = $i)#end$last", "");
    assert_eq!(r.output, "1000");
    assert!(
        r.warnings[0].contains("500 of 1500 items were not visited"),
        "{:?}",
        r.warnings
    );
    assert!(aws("#foreach($i in [1..1000])#end", "").warnings.is_empty());
    let t = Template::parse("#include('x')").unwrap();
    let e = render(&t, &Env::default(), &RenderOptions::default()).unwrap_err();
    assert!(e.message.contains("not supported"), "{e:?}");
    let big = "x".repeat(MAX_TEMPLATE_BYTES + 1);
    assert!(
        render(
            &Template::parse(&big).unwrap(),
            &Env::default(),
            &RenderOptions::default()
        )
        .is_err()
    );
}

#[test]
fn runaway_templates_stop_with_an_error() {
    let t = Template::parse("#macro(r)#r()#end#r()").unwrap();
    let e = render_plain(&t, &serde_json::Map::new(), &RenderOptions::default()).unwrap_err();
    assert!(e.message.contains("nest"), "{e:?}");
    let t = Template::parse("#foreach($i in [1..1000000])#foreach($j in [1..1000000])#end#end")
        .unwrap();
    let opts = RenderOptions {
        max_steps: 100_000,
        ..RenderOptions::default()
    };
    let e = render_plain(&t, &serde_json::Map::new(), &opts).unwrap_err();
    assert!(e.message.contains("steps"), "{e:?}");
}

#[test]
fn inspection_says_why_a_reference_is_null() {
    let r = aws("$input.body.nope $a.b", "{}");
    let notes: Vec<_> = r
        .inspections
        .iter()
        .filter_map(|i| i.note.clone())
        .collect();
    assert!(
        notes[0].contains("String has no property nope"),
        "{notes:?}"
    );
    assert!(notes[1].contains("$a is not defined"), "{notes:?}");
    assert_eq!(r.inspections[0].column, 1);
    assert_eq!(r.inspections[1].column, 18);
}

// 1.7 lexer quirks (MORE tokens, states left behind), each checked against velocity-1.7.jar
yields!(runt_after_reference, "$a{x}$a $a{ x}", "A{A A{ x}");
yields!(
    dollar_before_keyword_vanishes,
    "x$#if(true)T#end x$!#if(true)T#end x$#* c *#y",
    "xT xT xy"
);
yields!(dollar_before_line_comment_stays, "x$## c\ny", "x$y");
yields!(
    hash_hash_after_property_is_text,
    "x$a.b## c\ny x$a.b()## c\ny",
    "x$a.b## c\ny x$a.b()y"
);
yields!(number_after_hash_ends_a_token, "#1 #set($x=1)x", "#1x");
yields!(
    backslashes_after_hash_do_not_escape,
    r"x#$a y#\$a x#\#if",
    r"x#A y#\A x#if"
);
yields!(
    unknown_call_keeps_its_line_end,
    "#foo($a)\nx",
    "#foo($a)\nx"
);
yields!(method_needs_an_argument_start, "$a.b(", "$a.b(");
yields!(
    interpolation_with_line_comment,
    "#set($s = \"a ## not comment\")$s|#set($t = \"x#\")$t",
    "a |x#"
);
yields!(
    break_outer_loop,
    "#foreach($i in [1..3])#foreach($j in [1..3])$i$j #if($j == 2)#break($foreach.parent)#end#end|#end",
    "11 12 "
);
yields!(
    macro_args_by_name,
    "#macro(twice $x)$x,$x#end#set($l = [])#twice($l.add(1))$l",
    "true,true[1, 1]"
);
yields!(
    block_macro,
    "#macro(wrap)<$bodyContent>#end#@wrap()inner#end",
    "<inner>"
);
yields!(stop_in_define, "#define($d)x#stop y#end$d after", "x");

#[test]
fn lexer_state_errors() {
    parse_err("$n #set($x = 2)\n[$a]");
    parse_err("$n#set($x = 2)#set($y = 2)[$a]");
    parse_err("$a{x");
    parse_err("# and ## and #");
    parse_err("price$");
    parse_err("a $true b");
    assert_eq!(plain("#set($x = $true)$x"), "true");
}

#[test]
fn input_path_answers_are_fresh_but_their_members_are_shared() {
    // Each `$input.path` call converts the document anew: changing one answer leaves the next.
    let r = aws(
        "#set($a = $input.path('$.o'))#set($ok = $a.put('z', 1))$input.path('$.o') $a",
        r#"{"o": {"x": 1}}"#,
    );
    assert_eq!(r.output, "{x=1} {x=1, z=1}");
    // Within one answer a member is one Java object, whichever way it is reached.
    let r = aws(
        "#set($r = $input.path('$'))#set($x = $r.l[0])#set($ok = $x.put('n', 9))#foreach($i in $r.l)#set($ok = $i.put('seen', true))#end#set($r.l[0].s = 's')$r.l $r.l[0].n $x.seen $x.s",
        r#"{"l": [{"n": 1}]}"#,
    );
    assert_eq!(r.output, r#"[{"n":9,"seen":true,"s":"s"}] 9 true s"#);
}

#[test]
fn a_json_list_changed_inside_its_foreach_throws() {
    let t = Template::parse("#set($l = $input.path('$'))#foreach($i in $l)#set($ok = $l.remove(0))#set($ok = $l.add(9))#end").unwrap();
    let env = Env {
        body: "[1, 2, 3]".into(),
        ..Env::default()
    };
    let e = render(&t, &env, &RenderOptions::default()).unwrap_err();
    assert!(
        e.message.contains("ConcurrentModificationException"),
        "{e:?}"
    );
}

/// The fast paths (`$item.field` read in place) are skipped when inspecting: both ways must
/// print the same, in and out of macros, `#define` blocks and `#evaluate`.
#[test]
fn fast_paths_print_what_the_general_path_prints() {
    let vars = serde_json::json!({"l": [
        {"n": 1, "s": "x", "z": null, "o": {"k": 2}, "b": true},
        {"n": 2.5, "s": "y", "o": {"k": [1]}, "class": "c"}
    ], "g": {"s": "G"}});
    let templates = [
        "#foreach($i in $l)$i.n$i.s$i.z$i.missing$i.o$i.o.k$!i.z$i.b$i.class.simpleName $foreach.hasNext$velocityHasNext|#end",
        "#macro(m $x)$x.n$i.n$g.s$x.o.k#foreach($j in $l)$j.s$i.s#end#set($g.s = $x.s)#end#foreach($i in $l)#m($i)#end$g.s",
        "#macro(r $x $d)#if($d < 3)$x.s#r($x, $math)#end#end#foreach($i in $l)#r($i, 1)#end",
        "#define($b)$i.n$foreach.index#end#foreach($i in $l)$b#foreach($i in $l)$b#end#end$b",
        "#foreach($i in $l)#evaluate('$i.n$i.o.k$foreach.parent')#set($i.n = 'set')#end$l",
        "#foreach($i in $l)#foreach($j in $l)$foreach.parent.hasNext$foreach.hasNext$j.s#end#end",
    ];
    for src in templates {
        let t = Template::parse(src).unwrap_or_else(|e| panic!("{}", e.render_with_source(src)));
        let run = |inspect| {
            let opts = RenderOptions {
                inspect,
                ..RenderOptions::default()
            };
            render_plain(&t, vars.as_object().unwrap(), &opts)
                .map(|r| r.output)
                .map_err(|e| e.message)
        };
        assert_eq!(run(false), run(true), "template: {src}");
    }
}

#[test]
fn inspection_says_why_a_json_member_is_null() {
    let vars = serde_json::json!({"l": [{"z": null, "s": "x"}]});
    let t = Template::parse("#foreach($i in $l)$i.z$i.missing$i.s#end").unwrap();
    let opts = RenderOptions {
        inspect: true,
        ..RenderOptions::default()
    };
    let r = render_plain(&t, vars.as_object().unwrap(), &opts).unwrap();
    assert_eq!(r.output, "$i.z$i.missingx");
    let notes: Vec<_> = r
        .inspections
        .iter()
        .filter_map(|i| i.note.clone())
        .collect();
    assert!(notes[0].contains(".z is null"), "{notes:?}");
    assert!(notes[1].contains(".missing is null"), "{notes:?}");
}

/// Java overflows its stack on these; we must answer (anything) without hanging: each value
/// holds itself twice, so a naive walk takes 2^depth steps.
#[test]
fn values_that_hold_themselves_twice_do_not_hang() {
    let t = "#set($m = {})#set($ok = $m.put('a', $m))#set($ok = $m.put('b', $m))#set($l = [])#set($p = [$l, $l])#set($ok = $l.add($p))#set($ok = $l.add($p))$m.hashCode() #if($m == $m)eq#end $l.hashCode() #if($l == $l)eq#end $l.contains($m) $m";
    let t = Template::parse(t).unwrap();
    let opts = RenderOptions::default();
    let out = render_plain(&t, &serde_json::Map::new(), &opts);
    assert!(
        out.as_ref()
            .map_or(true, |r| r.output.ends_with("{a=(this Map), b=(this Map)}")),
        "{out:?}"
    );
}
