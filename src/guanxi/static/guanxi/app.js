// Guanxi's page behaviour, in one file so that pages carry no inline script (the
// Content-Security-Policy allows scripts from this site only). Each part acts only where its
// element is on the page; words and numbers come from data-* attributes and json_script blocks
// the templates render, in the reader's language.
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }
  function json(id) { var el = byId(id); return el ? JSON.parse(el.textContent) : null; }
  var emptyStyle = {color: "#6c757d", fontSize: 14, fontWeight: "normal"};
  function emptyTitle(text) { return {text: text, left: "center", top: "middle", textStyle: emptyStyle}; }

  function draw(element, option) {
    var chart = window.echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  // --- Forms -----------------------------------------------------------------------------

  // Forms that delete or archive ask first: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // A header checkbox ticks every row's: <input data-select-all="name-of-the-row-boxes">.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("[data-select-all]")) {
      var name = box.getAttribute("data-select-all") || "customers";
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (row) { row.checked = box.checked; });
    }
    if (box.id === "contact-select") byId("id_contact").value = box.value;
    // A filter that applies as soon as it is chosen: <select data-autosubmit>.
    if (box.matches && box.matches("[data-autosubmit]") && box.form) box.form.submit();
  });

  document.addEventListener("click", function (event) {
    // Copy a value to the clipboard: <button data-copy="id-of-the-input">.
    var copy = event.target.closest && event.target.closest("[data-copy]");
    if (copy && navigator.clipboard) navigator.clipboard.writeText(byId(copy.dataset.copy).value);
    // Order form: another line from the empty template.
    if (event.target.closest && event.target.closest("#add-line")) {
      var total = byId("id_lines-TOTAL_FORMS");
      var html = byId("empty-line").innerHTML.replace(/__prefix__/g, total.value);
      byId("order-lines").insertAdjacentHTML("beforeend", html);
      total.value = parseInt(total.value, 10) + 1;
    }
    // Service request form: pick the customer found, then load their contacts.
    var choice = event.target.closest && event.target.closest("[data-customer]");
    if (choice && byId("id_customer")) {
      byId("id_customer").value = choice.dataset.customer;
      byId("id_contact").value = "";
      byId("customer-name").textContent = choice.dataset.label;
      byId("customer-chosen").classList.remove("d-none");
      byId("customer-search").classList.add("d-none");
      byId("customer-choices").innerHTML = "";
      var field = byId("contact-field");
      window.htmx.ajax("GET", field.dataset.contactsUrl + "?customer=" + choice.dataset.customer, "#contact-field");
    }
    if (event.target.id === "customer-clear") {
      byId("id_customer").value = "";
      byId("id_contact").value = "";
      byId("customer-chosen").classList.add("d-none");
      var search = byId("customer-search");
      search.classList.remove("d-none");
      search.focus();
      byId("contact-field").innerHTML = "";
    }
  });

  // --- The pipeline board --------------------------------------------------------------

  // Dragging a card to another column posts the move with the version the card was drawn at;
  // the server answers the redrawn card, or 409 when someone changed it meanwhile.
  function board() {
    if (!window.Sortable) return;
    function count(column, change) {
      var badge = column.closest(".kanban-column").querySelector("[data-count]");
      badge.textContent = Number(badge.textContent) + change;
    }
    document.querySelectorAll(".kanban-cards").forEach(function (list) {
      window.Sortable.create(list, {
        group: "pipeline", animation: 150, ghostClass: "opacity-50", forceFallback: true,
        onEnd: function (event) {
          if (event.from === event.to) return;
          var card = event.item, message = byId("board-message");
          var body = new URLSearchParams({stage: event.to.dataset.stage, version: card.dataset.version});
          window.htmx.ajax("POST", card.dataset.moveUrl, {source: card, target: card, swap: "outerHTML", values: Object.fromEntries(body)});
          document.body.addEventListener("htmx:responseError", function onError(e) {
            if (e.detail.elt !== card) return;
            document.body.removeEventListener("htmx:responseError", onError);
            event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
            message.textContent = e.detail.xhr.responseText;
            message.classList.remove("d-none");
            count(event.to, -1); count(event.from, 1);
          });
          count(event.to, 1); count(event.from, -1);
        }
      });
    });
  }

  // --- Charts ----------------------------------------------------------------------------

  var money = function (v) { return "¥" + Number(v).toLocaleString(); };

  function lifecycleChart() {
    var element = byId("lifecycle-chart");
    if (!element) return;
    var rows = json("lifecycle-data");
    var colours = ["#8fa3bf", "#5dade2", "#27ae60", "#1e8449", "#e67e22", "#95a5a6"];
    draw(element, {
      grid: {left: 40, right: 10, top: 20, bottom: 30, containLabel: true},
      tooltip: {trigger: "axis"},
      xAxis: {type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: {interval: 0}},
      yAxis: {type: "value", minInterval: 1},
      series: [{type: "bar", data: rows.map(function (r, i) { return {value: r.customers, itemStyle: {color: colours[i]}}; }), label: {show: true, position: "top"}}]
    });
  }

  function salesCharts() {
    var f = json("funnel-data");
    if (!f) return;
    var forecast = byId("forecast-chart");
    draw(byId("funnel-chart"), {tooltip: {trigger: "item"}, series: [{type: "funnel", sort: "none", left: "10%", width: "80%",
      label: {formatter: "{b}: {c}"}, data: f.stages.map(function (s) { return {name: s.stage, value: s.reached}; })}]});
    draw(forecast, {grid: {left: 70, right: 10, top: 15, bottom: 30}, tooltip: {trigger: "axis", valueFormatter: money},
      xAxis: {type: "category", data: f.forecast.map(function (m) { return m.month; })}, yAxis: {type: "value"},
      series: [{name: forecast.dataset.labelWeighted, type: "bar", data: f.forecast.map(function (m) { return Number(m.weighted); })},
               {name: forecast.dataset.labelAmount, type: "line", data: f.forecast.map(function (m) { return Number(m.amount); })}]});
    draw(byId("reps-chart"), {grid: {left: 80, right: 20, top: 10, bottom: 25}, tooltip: {trigger: "axis", valueFormatter: money},
      xAxis: {type: "value"}, yAxis: {type: "category", inverse: true, data: f.top_reps.map(function (r) { return r.name; })},
      series: [{type: "bar", itemStyle: {color: "#198754"}, data: f.top_reps.map(function (r) { return Number(r.amount); })}]});
    draw(byId("lost-chart"), {tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "65%"],
      data: f.lost_reasons.map(function (r) { return {name: r.label, value: r.count}; })}]});
  }

  function ordersChart() {
    var element = byId("orders-chart");
    if (!element) return;
    var months = json("orders-data");
    // Chinese counts in 万 (10,000), English in thousands.
    var chinese = (document.documentElement.lang || "").indexOf("zh") === 0;
    var step = chinese ? 10000 : 1000, unit = chinese ? "万" : "k";
    draw(element, {
      grid: {left: 55, right: 10, top: 15, bottom: 25},
      tooltip: {trigger: "axis", valueFormatter: money},
      xAxis: {type: "category", data: months.map(function (m) { return m.month.slice(2); })},
      yAxis: {type: "value", axisLabel: {formatter: function (v) { return v >= step ? (v / step) + unit : v; }}},
      series: [{name: element.dataset.label, type: "bar", itemStyle: {color: "#198754"},
                data: months.map(function (m) { return Number(m.amount); })}]
    });
  }

  function communicationsChart() {
    var element = byId("communications-chart");
    if (!element) return;
    var months = json("communications-data");
    var label = element.dataset.label, target = element.dataset.targetLabel;
    var perMonth = Number(element.dataset.target || 0);
    draw(element, {
      grid: {left: 30, right: 10, top: 30, bottom: 25},
      tooltip: {trigger: "axis"},
      legend: {top: 0, data: [label, target]},
      xAxis: {type: "category", data: months.map(function (m) { return m.month.slice(2); })},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {name: label, type: "bar", data: months.map(function (m) { return m.effective; }), itemStyle: {color: "#0d6efd"},
         markLine: {silent: true, symbol: "none", lineStyle: {color: "#c0392b", type: "dashed"}, data: perMonth ? [{yAxis: perMonth}] : []}},
        {name: target, type: "line", data: [], itemStyle: {color: "#c0392b"}}
      ]
    });
  }

  function serviceCharts() {
    var f = json("service-data");
    if (!f) return;
    var empty = byId("volume-chart").dataset.empty;
    function chart(id, option, rows) { draw(byId(id), rows.length ? option : {title: emptyTitle(empty)}); }
    var months = Array.from(new Set(f.by_month.map(function (r) { return r.month; })));
    var types = Array.from(new Set(f.by_month.map(function (r) { return r.label; })));
    chart("volume-chart", {tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 10, top: 35, bottom: 25},
      xAxis: {type: "category", data: months}, yAxis: {type: "value", minInterval: 1},
      series: types.map(function (t) { return {name: t, type: "bar", stack: "all", data: months.map(function (m) {
        var row = f.by_month.find(function (r) { return r.month === m && r.label === t; }); return row ? row.count : 0; })}; })}, f.by_month);
    chart("sla-chart", {tooltip: {trigger: "axis", valueFormatter: function (v) { return v + "%"; }}, grid: {left: 45, right: 10, top: 15, bottom: 25},
      xAxis: {type: "category", data: f.sla_by_month.map(function (r) { return r.month; })}, yAxis: {type: "value", max: 100},
      series: [{type: "line", smooth: true, areaStyle: {opacity: .15}, data: f.sla_by_month.map(function (r) { return r.attainment; }),
        markLine: {silent: true, symbol: "none", label: {show: false}, data: [{yAxis: 90}], lineStyle: {type: "dashed", color: "#dc3545"}}}]}, f.sla_by_month);
    chart("channel-chart", {tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "65%"],
      data: f.by_channel.map(function (r) { return {name: r.label, value: r.count}; })}]}, f.by_channel);
    chart("score-chart", {tooltip: {trigger: "axis"}, grid: {left: 40, right: 10, top: 15, bottom: 25},
      xAxis: {type: "category", data: [1, 2, 3, 4, 5]}, yAxis: {type: "value", minInterval: 1},
      series: [{type: "bar", data: [1, 2, 3, 4, 5].map(function (s) {
        var row = f.satisfaction_scores.find(function (r) { return r.satisfaction === s; });
        return {value: row ? row.count : 0, itemStyle: {color: s < 3 ? "#dc3545" : (s >= 4 ? "#198754" : "#ffc107")}}; })}]}, f.satisfaction_scores);
  }

  function reportChart() {
    var element = byId("report-chart");
    var d = json("chart-data");
    if (!element || !d) return;
    var words = element.dataset, key = words.key;
    var empty = {title: emptyTitle(words.empty)};
    var option;
    if (key === "contribution") {
      option = d.categories.length ? {tooltip: {trigger: "axis"}, legend: {top: 0},
        grid: {left: 70, right: 45, top: 35, bottom: 70},
        xAxis: {type: "category", data: d.categories, axisLabel: {rotate: 30, width: 90, overflow: "truncate"}},
        yAxis: [{type: "value", name: "¥"}, {type: "value", name: "%", max: 100}],
        series: [{name: words.labelAmount, type: "bar", data: d.amounts},
                 {name: words.labelShare, type: "line", yAxisIndex: 1, smooth: true,
                  data: d.shares.reduce(function (acc, s) { acc.push(Math.round(((acc.length ? acc[acc.length - 1] : 0) + s) * 10) / 10); return acc; }, [])}]} : empty;
    } else if (key === "composition") {
      var n = d.groups.length;
      option = d.groups.some(function (g) { return g.data.length; }) ? {tooltip: {trigger: "item"},
        title: d.groups.map(function (g, i) { return {text: g.title, left: (100 / n * i + 100 / n / 2) + "%", top: 0, textAlign: "center", textStyle: {fontSize: 13}}; }),
        series: d.groups.map(function (g, i) { return {type: "pie", radius: ["28%", "52%"], center: [(100 / n * i + 100 / n / 2) + "%", "55%"],
          label: {fontSize: 11}, data: g.data}; })} : empty;
    } else if (key === "service") {
      option = d.months.length ? {tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 10, top: 35, bottom: 25},
        xAxis: {type: "category", data: d.months}, yAxis: {type: "value", minInterval: 1},
        series: d.series.map(function (s) { return {name: s.name, type: "bar", stack: "all", data: s.data}; })} : empty;
    } else {
      option = (d.reasons.length || d.years.length) ? {tooltip: {trigger: "item"},
        grid: {left: "58%", right: 10, top: 30, bottom: 25},
        title: [{text: words.labelReason, left: "25%", textAlign: "center", textStyle: {fontSize: 13}},
                {text: words.labelYear, left: "78%", textAlign: "center", textStyle: {fontSize: 13}}],
        xAxis: {type: "category", data: d.years.map(function (y) { return String(y.year); })}, yAxis: {type: "value", minInterval: 1},
        series: [{type: "pie", radius: ["25%", "55%"], center: ["25%", "55%"], data: d.reasons},
                 {type: "bar", data: d.years.map(function (y) { return y.churned; })}]} : empty;
    }
    draw(element, option);
  }

  function kpiTrends() {
    var kpis = json("kpi-data");
    if (!kpis) return;
    var colours = {good: "#198754", excellent: "#198754", warning: "#d39e00", bad: "#dc3545"};
    kpis.forEach(function (kpi) {
      var box = document.querySelector('.kpi-trend[data-key="' + kpi.key + '"]');
      if (!box) return;
      if (!kpi.trend.length) { box.classList.add("d-none"); return; }
      draw(box, {
        grid: {left: 2, right: 2, top: 4, bottom: 2},
        tooltip: {trigger: "axis", confine: true},
        xAxis: {type: "category", show: false, data: kpi.trend.map(function (p) { return p.month; })},
        yAxis: {type: "value", show: false, scale: true},
        series: [{type: "line", smooth: true, symbolSize: 4, connectNulls: true,
          lineStyle: {color: colours[kpi.state] || "#0d6efd"}, itemStyle: {color: colours[kpi.state] || "#0d6efd"},
          areaStyle: {opacity: .12}, data: kpi.trend.map(function (p) { return p.value; })}]
      });
    });
  }

  function segmentCharts() {
    var element = byId("segment-chart");
    var d = json("segment-data");
    if (!element || !d) return;
    var rows = d.segments.filter(function (s) { return s.customers; });
    draw(element, rows.length ? {tooltip: {}, series: [{type: "treemap", roam: false, nodeClick: "link", breadcrumb: {show: false},
      label: {formatter: "{b}\n{c}"},
      data: rows.map(function (s) { return {name: s.label, value: s.customers, link: element.dataset.listUrl + "?segment=" + s.segment, target: "self"}; })}]}
      : {title: emptyTitle(element.dataset.empty)});
    draw(byId("tier-chart"), {tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "70%"],
      color: ["#198754", "#0d6efd", "#adb5bd"], data: d.value_tiers.map(function (t) { return {name: t.label, value: t.customers}; })}]});
  }

  document.addEventListener("DOMContentLoaded", function () {
    board();
    if (!window.echarts) return;
    [lifecycleChart, salesCharts, ordersChart, communicationsChart, serviceCharts, reportChart,
     kpiTrends, segmentCharts].forEach(function (part) { part(); });
  });
})();
