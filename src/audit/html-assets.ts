/** The inline style and script of the HTML report. The script only filters rows already on the page. */

export const HTML_STYLE = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1280px;padding:16px 24px;color:#1f2328}
h1{margin:0 0 8px;font-size:22px}h2{font-size:16px;margin:24px 0 8px}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0;color:var(--muted)}header dd{margin:0;color:#1f2328}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:110px;background:var(--bg)}
.card b{display:block;font-size:24px}.card span{color:var(--muted)}.card.ok b{color:var(--ok)}.card.bad b{color:var(--bad)}.card.warn b{color:var(--warn)}
.two{display:flex;flex-wrap:wrap;gap:24px}.two>div{flex:1;min-width:320px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);position:sticky;top:0}td.num,th.num{text-align:right}
.bar{width:40%}.bar i{display:block;height:10px;background:#8c959f;border-radius:3px;min-width:1px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.muted{color:var(--muted)}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}.pill.ok{background:var(--ok)}.pill.bad{background:var(--bad)}
.sig{margin:2px 0}.note{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px}.hint{color:var(--muted);margin:4px 0}
.filters{display:flex;gap:12px;align-items:center;margin:8px 0}.filters input[type=search]{flex:1;padding:6px 8px;border:1px solid var(--line);border-radius:6px}
#images{table-layout:fixed}#images th:nth-child(1){width:30%}#images th:nth-child(2){width:9%}#images th:nth-child(4){width:20%}#images th:nth-child(5){width:9%}
#images td{overflow-wrap:anywhere}table.counts{max-width:720px}footer{color:var(--muted);margin:24px 0 8px;font-size:12px}
`;

/** Filters may be preset in the URL fragment: `report.html#q=UnknownKey&v=Untrusted&f=1`. */
export const HTML_SCRIPT = `
(function(){
  var q=document.getElementById('q'),v=document.getElementById('v'),f=document.getElementById('f'),n=document.getElementById('n');
  var rows=Array.prototype.slice.call(document.querySelectorAll('#images tbody tr'));
  function apply(){
    var text=q.value.trim().toLowerCase(),verdict=v.value,failing=f.checked,shown=0;
    rows.forEach(function(r){
      var ok=(!text||r.getAttribute('data-t').indexOf(text)>=0)&&(!verdict||r.getAttribute('data-v')===verdict)&&(!failing||r.getAttribute('data-p')==='0');
      r.hidden=!ok;if(ok)shown++;
    });
    n.textContent=shown+' of '+rows.length+' Images';
  }
  var h=new URLSearchParams(location.hash.slice(1));
  if(h.has('q'))q.value=h.get('q');if(h.has('v'))v.value=h.get('v');if(h.get('f')==='1')f.checked=true;
  q.addEventListener('input',apply);v.addEventListener('change',apply);f.addEventListener('change',apply);apply();
})();
`;
