// velocityjs (serverless-offline's engine): compile once, render warmed, print ms per render.
const fs = require("fs");
const { parse, Compile } = require("velocityjs");
const [template, contextFile, iterations] = process.argv.slice(2);
const src = fs.readFileSync(template, "utf8");
const context = JSON.parse(fs.readFileSync(contextFile, "utf8"));
const compiled = new Compile(parse(src));
const render = () => compiled.render(context);
for (let i = 0; i < 50; i++) render();
const n = Number(iterations);
const start = process.hrtime.bigint();
let out = "";
for (let i = 0; i < n; i++) out = render();
const ms = Number(process.hrtime.bigint() - start) / 1e6 / n;
fs.writeFileSync(process.env.PEER_OUT, out);
console.log(ms.toFixed(4));
