/** The console's stylesheet: plain CSS, readable at 200 % zoom, with a focus ring on everything focusable. */
export const CONSOLE_STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1b2230; }
a { color: #1a4fb5; }
a:hover { color: #0d3382; }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
header.top { background: #1b2a4a; color: #fff; padding: .6rem 1.25rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; }
header.top .who { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
header.top button { background: transparent; color: #fff; border: 1px solid #fff; }
.layout { display: flex; gap: 1.5rem; max-width: 80rem; margin: 0 auto; padding: 1.25rem; align-items: flex-start; }
nav.side { flex: 0 0 15rem; background: #fff; border-radius: 8px; padding: 1rem; box-shadow: 0 1px 2px rgba(0,0,0,.1); }
nav.side h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: #4a5365; margin: 1rem 0 .3rem; }
nav.side h2:first-child { margin-top: 0; }
nav.side ul { list-style: none; margin: 0; padding: 0; }
nav.side li a { display: block; padding: .25rem .5rem; border-radius: 4px; text-decoration: none; }
nav.side li a[aria-current="page"] { background: #e3ebfb; font-weight: 600; }
nav.side .dir { font-weight: 600; margin-top: .5rem; padding: 0 .5rem; }
nav.side .dir + ul a { padding-left: 1.25rem; }
main { flex: 1; min-width: 0; background: #fff; border-radius: 8px; padding: 1.5rem 2rem; box-shadow: 0 1px 2px rgba(0,0,0,.1); }
main.narrow { max-width: 30rem; margin: 3rem auto; flex: none; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #dde1e8; vertical-align: top; }
th { background: #f0f2f6; font-weight: 600; }
form.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; gap: .4rem; }
label { font-weight: 600; display: block; margin: .75rem 0 .25rem; }
label.check { display: flex; gap: .5rem; align-items: center; font-weight: 600; }
input[type=text], input[type=email], input[type=password], input[type=number], input[type=date], input[type=url], select, textarea {
  font: inherit; padding: .45rem .6rem; border: 1px solid #8a93a5; border-radius: 4px; width: 100%; max-width: 32rem; background: #fff; }
input[type=checkbox] { width: 1.2rem; height: 1.2rem; }
textarea { min-height: 5rem; }
button, .button { font: inherit; padding: .45rem .9rem; border-radius: 4px; border: 1px solid #1a4fb5; background: #1a4fb5; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: #1a4fb5; }
button.danger { background: #fff; color: #a4262c; border-color: #a4262c; }
.hint { color: #4a5365; font-size: .9rem; margin: .25rem 0; max-width: 40rem; }
.field { margin-bottom: .5rem; }
fieldset { border: 1px solid #dde1e8; border-radius: 6px; padding: .75rem 1rem 1rem; margin: 1rem 0; }
legend { font-weight: 700; padding: 0 .3rem; }
code, .code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef0f4; padding: .1rem .35rem; border-radius: 4px; word-break: break-all; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .85rem; font-weight: 600; border: 1px solid; }
.badge.good { color: #17663a; border-color: #17663a; background: #e8f5ed; }
.badge.bad { color: #a4262c; border-color: #a4262c; background: #fbeaea; }
.badge.neutral { color: #4a5365; border-color: #8a93a5; background: #f0f2f6; }
.flash { border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; border: 1px solid; }
.flash.success { background: #e8f5ed; border-color: #17663a; }
.flash.error { background: #fbeaea; border-color: #a4262c; }
.flash p { margin: 0; }
.flash ul { margin: .25rem 0 0; }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0 1rem; align-items: end; }
.filters .actions { grid-column: 1 / -1; }
.secret { font-size: 1.05rem; padding: .6rem; display: block; margin: .5rem 0; }
.steps { counter-reset: step; }
.step { border-left: 4px solid #1a4fb5; padding: .25rem 0 .25rem 1rem; margin: 1rem 0; }
.stats { display: flex; flex-wrap: wrap; gap: 1rem; margin: .5rem 0 1rem; padding: 0; list-style: none; }
.stats li { background: #f0f2f6; border-radius: 6px; padding: .6rem 1rem; min-width: 10rem; }
.stats strong { display: block; font-size: 1.6rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.pager { display: flex; gap: 1rem; align-items: center; }
@media (max-width: 50rem) { .layout { flex-direction: column; } nav.side { flex: none; width: 100%; } }
`;
