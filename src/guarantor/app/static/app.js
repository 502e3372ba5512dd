// Guarantor live exploration: send each control change, swap in the server-rendered answer.
// Plain JavaScript on purpose: the server renders every fragment (Jinja2), this file only
// posts values, places the answer and draws the charts with the vendored Chart.js.
(function () {
  "use strict";
  var initial = JSON.parse(document.getElementById("initial").textContent);
  var base = "/s/" + initial.session;
  var charts = {};
  var sequence = 0;

  function post(action, body) {
    return fetch(base + "/" + action, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    }).then(function (response) { return response.json(); });
  }

  function valueOf(el) {
    var kind = el.dataset.kind;
    if (kind === "checkbox") { return el.checked ? "true" : "false"; }
    if (kind === "tiers") {
      var ids = [];
      el.querySelectorAll("input[type=checkbox]").forEach(function (box) { if (box.checked) { ids.push(box.value); } });
      return "[" + ids.join(", ") + "]";
    }
    return el.value;
  }

  function message(text, bad) {
    var box = document.getElementById("message");
    box.textContent = text;
    box.className = bad ? "bad" : "";
  }

  function showError(el, errors) {
    var box = document.getElementById("e-" + el.id);
    if (box) { box.textContent = (errors || []).join("\n"); }
    if (errors && errors.length) { el.setAttribute("aria-invalid", "true"); } else { el.removeAttribute("aria-invalid"); }
  }

  function place(data) {
    document.getElementById("results").innerHTML = data.results;
    document.getElementById("compare").innerHTML = data.compare;
    draw(data.charts || {});
    document.body.dataset.status = data.status;
    document.body.dataset.classes = data.classes_pending ? "pending" : "done";  // lets tests wait for quiet
    if (data.classes_pending) { classes(sequence); }
  }

  // The firm/flexible classes take tens of re-solves: ask for them once the answer is shown.
  function classes(mine) {
    post("classes").then(function (data) {
      if (mine === sequence && data.ok && !data.classes_pending) { place(data); }
    });
  }

  function change(el) {
    var mine = ++sequence;
    el.classList.add("busy");
    document.body.classList.add("busy");
    return post("set", { path: el.dataset.path, value: valueOf(el) }).then(function (data) {
      el.classList.remove("busy");
      if (mine !== sequence) { return; }  // a later change is on its way: its answer wins
      document.body.classList.remove("busy");
      if (!data.ok) { showError(el, data.errors); return; }
      showError(el, []);
      place(data);
    });
  }

  function bar(id, labels, datasets, unit) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    if (charts[id]) { charts[id].destroy(); }
    charts[id] = new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + ctx.formattedValue + unit; } } },
        },
        scales: { y: { beginAtZero: true } },
      },
    });
  }

  function draw(data) {
    if (data.troops) { bar("chart-troops", data.troops.labels, [{ label: "troops", data: data.troops.values, backgroundColor: "#3b6ea5" }], " troops"); }
    if (data.funding) { bar("chart-funding", data.funding.labels, [{ label: "pays", data: data.funding.values, backgroundColor: "#7a9e3b" }], " USD m"); }
    if (data.shares) {
      bar("chart-shares", data.shares.labels, [
        { label: "share", data: data.shares.values, backgroundColor: "#a5603b" },
        { label: "threshold", data: data.shares.thresholds, backgroundColor: "#cccccc" },
      ], " %");
    }
  }

  document.getElementById("controls").addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList.contains("slider")) {
      var field = document.getElementById(target.dataset.for);
      field.value = target.value;
      change(field);
      return;
    }
    var el = target.closest("[data-path]");
    if (el) { change(el); }
  });
  document.getElementById("controls").addEventListener("input", function (event) {
    if (event.target.classList.contains("slider")) { document.getElementById(event.target.dataset.for).value = event.target.value; }
  });

  document.getElementById("reset").addEventListener("click", function () {
    post("reset").then(function () { location.reload(); });
  });
  document.getElementById("pin").addEventListener("click", function () {
    var label = document.getElementById("pin-label");
    post("pin", { label: label.value }).then(function (data) { label.value = ""; place(data); message("pinned"); });
  });
  document.getElementById("compare").addEventListener("click", function (event) {
    if (event.target.classList.contains("unpin")) {
      post("unpin", { index: Number(event.target.dataset.index) }).then(place);
    }
  });
  document.getElementById("save").addEventListener("click", function () {
    var name = document.getElementById("save-name").value;
    post("save", { name: name }).then(function (data) {
      if (data.ok) { message("saved " + data.path + " (solve it with: " + data.command + ")"); }
      else { message(data.errors.join("; "), true); }
    });
  });
  document.getElementById("export").addEventListener("click", function () {
    post("export").then(function (data) {
      if (!data.ok) { message(data.errors.join("; "), true); return; }
      var box = document.getElementById("message");
      box.className = "";
      box.textContent = "wrote " + data.folder + ": ";
      Object.keys(data.links).forEach(function (key) {
        var a = document.createElement("a");
        a.href = data.links[key];
        a.textContent = key;
        a.target = "_blank";
        box.appendChild(a);
        box.appendChild(document.createTextNode(" "));
      });
    });
  });
  draw(initial.charts || {});
  document.body.dataset.classes = initial.classes_pending ? "pending" : "done";
  if (initial.classes_pending) { classes(sequence); }
})();
