/** Inline CSS of the till page: a plain two-column cash register, no external assets. */
export const PAGE_STYLE = `
:root { --bg:#eef1f5; --card:#fff; --line:#d9dee6; --text:#1d2733; --muted:#6b7785; --accent:#1f7a4d;
  --accent-dark:#17603c; --danger:#b3261e; --warn-bg:#fff4e5; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--text); }
header { background:#24303d; color:#fff; padding:10px 18px; display:flex; justify-content:space-between; align-items:center; }
header h1 { margin:0; font-size:18px; font-weight:600; }
header .program { font-size:12px; opacity:.8; }
main { display:grid; grid-template-columns: minmax(320px, 1fr) minmax(360px, 440px); gap:14px; padding:14px; }
section.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; margin-bottom:14px; }
section.card h2 { margin:0 0 10px; font-size:15px; }
input, select, button { font:inherit; }
input[type=text], input[type=search], input[type=tel], input[type=number], select {
  width:100%; padding:7px 9px; border:1px solid var(--line); border-radius:6px; background:#fff; }
.row { display:flex; gap:8px; align-items:center; }
.row > * { flex:1; }
button { padding:7px 12px; border-radius:6px; border:1px solid var(--line); background:#f6f8fa; cursor:pointer; }
button:hover { background:#eceff3; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; font-weight:600; }
button.primary:hover { background:var(--accent-dark); }
button.pay { width:100%; padding:12px; font-size:17px; margin-top:10px; }
button:disabled { opacity:.5; cursor:not-allowed; }
button.link { border:none; background:none; color:#1a5fb4; padding:2px 4px; }
ul.list { list-style:none; margin:8px 0 0; padding:0; max-height:280px; overflow:auto; border-top:1px solid var(--line); }
ul.list li { padding:6px 4px; border-bottom:1px solid var(--line); display:flex; justify-content:space-between; gap:8px; cursor:pointer; }
ul.list li:hover { background:#f3f6f9; }
ul.list li .sub { color:var(--muted); font-size:12px; }
ul.list li.returned { color:var(--muted); text-decoration:line-through; }
.buyer-chosen { background:#f0f7f3; border:1px solid #cfe6d9; border-radius:6px; padding:8px 10px; }
.muted { color:var(--muted); }
.error { color:var(--danger); min-height:1.2em; margin-top:6px; }
table.cart { width:100%; border-collapse:collapse; }
table.cart td { padding:5px 2px; border-bottom:1px solid var(--line); vertical-align:middle; }
table.cart td.qty { white-space:nowrap; text-align:center; }
table.cart td.qty button { padding:2px 8px; }
table.cart td.money { text-align:right; white-space:nowrap; }
.totals { margin-top:10px; }
.totals div { display:flex; justify-content:space-between; padding:2px 0; }
.totals .grand { font-size:20px; font-weight:700; border-top:2px solid var(--text); margin-top:6px; padding-top:6px; }
.receipt { background:var(--warn-bg); border:1px dashed #d8b27a; border-radius:6px; padding:10px 12px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size:13px; }
.receipt h3 { margin:0 0 6px; font-size:15px; }
.receipt div { display:flex; justify-content:space-between; }
.hidden { display:none !important; }
form.new-buyer { display:grid; gap:6px; margin-top:8px; }
`;
