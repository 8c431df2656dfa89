// The page of `divertsim view` (embedded in it by the build): stepping,
// the time slider, a packet's lineage, the ipfw counters at the chosen
// step.  Everything it shows is in the page; it loads nothing.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var S = D.steps;
  var $ = function (id) { return document.getElementById(id); };
  var stepEl = function (i) { return $("step-" + i); };
  var cur = -1, lin = 0, fwHost = null, fwFollow = true;

  function fmtT(t) {
    var s = Math.floor(t / 1e9), ns = String(t % 1e9);
    while (ns.length < 9) ns = "0" + ns;
    return s + "." + ns;
  }

  // The ipfw table of host h as counted from the events of steps 0..upto.
  function fwCounts(h, upto) {
    var pk = {}, by = {};
    for (var i = 0; i <= upto && i < S.length; i++) {
      var e = S[i];
      if (e[2] === "ipfw" && e[1] === h) {
        pk[e[4]] = (pk[e[4]] || 0) + 1;
        by[e[4]] = (by[e[4]] || 0) + e[5];
      }
    }
    return { pk: pk, by: by };
  }

  // An event's `why` (run --why): text, or a list of reasons one a line.
  function why(w) {
    if (w.charAt(0) !== "[" && w.charAt(0) !== "{") return w;
    try {
      var v = JSON.parse(w);
      return Array.isArray(v) ? v.map(function (x) {
        return typeof x === "string" ? x : JSON.stringify(x);
      }).join("\n") : JSON.stringify(v, null, 1);
    } catch (err) { return w; }
  }

  function fwOf(h) {
    for (var i = 0; i < D.fw.length; i++)
      if (D.fw[i].host === h) return D.fw[i];
    return null;
  }

  function pad5(n) { n = String(n); while (n.length < 5) n = "0" + n; return n; }

  function drawFw() {
    var t = $("fw-table"), fw = fwOf(fwHost);
    t.innerHTML = "";
    if (!fw) return;
    var c = fwCounts(fwHost, cur), seen = {};
    var hitRule = cur >= 0 && S[cur][2] === "ipfw" && S[cur][1] === fwHost ? S[cur][4] : -1;
    var hd = t.insertRow();
    ["rule", "packets", "bytes", "", "end pk", "end bytes"].forEach(function (x) {
      var th = document.createElement("th"); th.textContent = x; hd.appendChild(th);
    });
    fw.rules.forEach(function (r) {
      var row = t.insertRow();
      // Rules of one number share its events: the first of them shows them.
      var first = r[0] > 0 && !seen[r[0]];
      seen[r[0]] = true;
      row.dataset.rule = r[0];
      if (r[0] === hitRule && first) row.className = "hit";
      var cells = [r[0] > 0 ? pad5(r[0]) : "", first ? (c.pk[r[0]] || 0) : "",
                   first ? (c.by[r[0]] || 0) : "", r[1], r[2], r[3]];
      cells.forEach(function (x, k) {
        var td = row.insertCell(); td.textContent = x;
        if (k === 1) td.className = "pk";
        if (k === 2) td.className = "by";
        if (k === 3) td.className = "rule";
        if (k >= 4) td.className = "end";
      });
    });
  }

  function walk() {
    var ol = $("walk");
    ol.innerHTML = "";
    if (!lin) return;
    for (var i = 0; i < S.length; i++) {
      if (S[i][3] !== lin) continue;
      var li = document.createElement("li");
      li.textContent = fmtT(S[i][0]) + " " + S[i][1] + " " + S[i][6];
      li.dataset.step = i;
      if (i === cur) li.className = "current";
      li.onclick = (function (k) { return function () { go(k); }; })(i);
      ol.appendChild(li);
    }
  }

  function select(l) {
    var old = document.querySelectorAll(".seq .step.lin");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("lin");
    lin = l;
    if (l) {
      var els = document.querySelectorAll('.seq .step[data-lineage="' + l + '"]');
      for (var j = 0; j < els.length; j++) els[j].classList.add("lin");
    }
    walk();
  }

  function go(i) {
    if (S.length === 0) return;
    i = Math.max(0, Math.min(S.length - 1, i));
    var o = stepEl(cur);
    if (o) o.classList.remove("current");
    var hosts = document.querySelectorAll(".topo .host.cur, .topo .link.cur");
    for (var k = 0; k < hosts.length; k++) hosts[k].classList.remove("cur");
    cur = i;
    var e = S[i], el = stepEl(i);
    if (el) {
      el.classList.add("current");
      var sc = $("seq-scroll"), y = +el.querySelector(".row").getAttribute("y");
      if (y < sc.scrollTop + 40 || y > sc.scrollTop + sc.clientHeight - 40)
        sc.scrollTop = Math.max(0, y - sc.clientHeight / 2);
    }
    var hn = $("topo-" + e[1]);
    if (hn) hn.classList.add("cur");
    var ln = e[8] >= 0 ? $("topo-link-" + e[8]) : null;
    if (ln) ln.classList.add("cur");
    $("step-label").textContent = "step " + (i + 1) + " of " + S.length +
      ", t = " + fmtT(e[0]) + " s, " + e[1];
    $("step-text").textContent = fmtT(e[0]) + " " + e[1] + ": " + e[6];
    $("why").textContent = e[7] !== null ? why(e[7]) :
      "(no explanation recorded for this step: its narration is above)";
    var f = (e[0] - D.t0) / (D.t1 - D.t0);
    $("time-slider").value = Math.round(f * 1000);
    var q = $("qplot"), qc = $("qcursor");
    if (q && qc) {
      var x = +q.dataset.x0 + f * +q.dataset.w;
      qc.setAttribute("x1", x); qc.setAttribute("x2", x);
    }
    if (fwFollow && fwOf(e[1])) { fwHost = e[1]; $("fw-host").value = fwHost; }
    drawFw();
    var lis = document.querySelectorAll("#walk li");
    for (var m = 0; m < lis.length; m++)
      lis[m].className = +lis[m].dataset.step === i ? "current" : "";
  }

  // The slider is time: the last step at or before the chosen instant.
  function seek(v) {
    var t = D.t0 + v / 1000 * (D.t1 - D.t0), i = 0;
    while (i + 1 < S.length && S[i + 1][0] <= t) i++;
    go(i);
  }

  var sel = $("fw-host");
  D.fw.forEach(function (fw) {
    var o = document.createElement("option"); o.value = o.textContent = fw.host;
    sel.appendChild(o);
  });
  if (D.fw.length) fwHost = D.fw[0].host;
  sel.onchange = function () { fwHost = sel.value; fwFollow = false; drawFw(); };
  $("step-first").onclick = function () { go(0); };
  $("step-back").onclick = function () { go(cur - 1); };
  $("step-fwd").onclick = function () { go(cur + 1); };
  $("step-last").onclick = function () { go(S.length - 1); };
  $("time-slider").oninput = function () { seek(+this.value); };
  document.addEventListener("keydown", function (ev) {
    if (ev.target.tagName === "INPUT" || ev.target.tagName === "SELECT") return;
    if (ev.key === "ArrowRight") { go(cur + 1); ev.preventDefault(); }
    if (ev.key === "ArrowLeft") { go(cur - 1); ev.preventDefault(); }
  });
  $("seq").addEventListener("click", function (ev) {
    var g = ev.target.closest ? ev.target.closest(".step") : null;
    if (!g) return;
    go(+g.dataset.step);
    select(+g.dataset.lineage);
  });
  go(0);

  // #selftest[=N[,HOST]]: what a browser test checks, done with the
  // page's own controls, the result left in the DOM (#selftest-result, and
  // the classes the steps are left with): the page ends at step N (from
  // 0; -1 the last) showing HOST's ipfw table.
  var st = /^#selftest(?:=(-?\d+)(?:,(.+))?)?$/.exec(location.hash);
  if (st) {
    var r = { steps: S.length, visited: [] };
    $("step-first").click(); r.visited.push(cur);
    $("step-fwd").click(); r.visited.push(cur);
    $("step-fwd").click(); r.visited.push(cur);
    $("step-back").click(); r.visited.push(cur);
    // The ipfw counters of the last step against the chain's own, when
    // every step is drawn.
    go(S.length - 1);
    r.fw_mismatch = [];
    if (S.length === D.events) D.fw.forEach(function (fw) {
      var c = fwCounts(fw.host, S.length - 1), seen = {};
      fw.rules.forEach(function (x) {
        if (x[0] === 0 || seen[x[0]]) return;
        var pk = 0, by = 0;
        fw.rules.forEach(function (y) { if (y[0] === x[0]) { pk += y[2]; by += y[3]; } });
        seen[x[0]] = true;
        if ((c.pk[x[0]] || 0) !== pk || (c.by[x[0]] || 0) !== by)
          r.fw_mismatch.push(fw.host + ":" + x[0] + " events " + (c.pk[x[0]] || 0) +
            "/" + (c.by[x[0]] || 0) + " chain " + pk + "/" + by);
      });
    });
    // Click the first arrow of packet 1: its lineage lights up.
    var a = document.querySelector('.seq .step[data-lineage="1"] line, .seq .step[data-lineage="1"] path');
    if (a) a.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    r.clicked = cur;
    r.lineage = lin;
    r.lit = document.querySelectorAll(".seq .step.lin").length;
    r.walk = document.querySelectorAll("#walk li").length;
    // Then to step N, where the test finds the page.
    if (st[2] && fwOf(decodeURIComponent(st[2]))) {
      fwHost = decodeURIComponent(st[2]); fwFollow = false;
      $("fw-host").value = fwHost;
    }
    var n = st[1] !== undefined ? +st[1] : 1;
    go(n < 0 ? S.length - 1 : n);
    r.current = cur;
    var out = $("selftest-result");
    out.textContent = JSON.stringify(r);
    out.hidden = false;
    document.body.dataset.selftest = "done";
  }
})();
