//! Our engine on the peers' template and payload (run by `benches/peers/run.sh`):
//! parse once, render warmed, print milliseconds per render.
//! Usage: `vtl_peer <template> <context.json> <iterations>`; the last output goes to `$PEER_OUT`.

use std::time::Instant;

use apigw_lab::vtl::{self, RenderOptions, Template};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [template, context, iterations] = args.as_slice() else {
        return Err("usage: vtl_peer <template> <context.json> <iterations>".into());
    };
    let src = std::fs::read_to_string(template)?;
    let context: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(context)?)?;
    let iterations: u32 = iterations.parse()?;
    let parsed = Template::parse(&src).map_err(|e| e.render_with_source(&src))?;
    let options = RenderOptions::default();
    let render = || vtl::render_plain(&parsed, &context, &options).map(|r| r.output);
    let mut out = String::new();
    for _ in 0..50 {
        out = render().map_err(|e| e.render_with_source(&src))?;
    }
    let start = Instant::now();
    for _ in 0..iterations {
        out = render().map_err(|e| e.render_with_source(&src))?;
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(iterations);
    if let Ok(path) = std::env::var("PEER_OUT") {
        std::fs::write(path, out)?;
    }
    println!("{ms:.4}");
    Ok(())
}
