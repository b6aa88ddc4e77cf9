// 助力工作台: the little script the pages need on top of htmx and ECharts (both vendored, see vendor/).
(function () {
  "use strict";
  var token = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  // htmx requests carry the same CSRF token the forms carry.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = token();
  });

  // Browser-side validation speaks Chinese whatever the browser's language: each field may name its
  // own message (data-msg), otherwise a message per kind of problem.
  var messages = function (field) {
    var v = field.validity;
    if (v.valueMissing) return field.dataset.msg || "请填写此项";
    if (v.tooShort) return "至少需要 " + field.minLength + " 个字符（当前 " + field.value.length + " 个）";
    if (v.tooLong) return "最多 " + field.maxLength + " 个字符";
    if (v.rangeUnderflow) return "不能小于 " + field.min;
    if (v.rangeOverflow) return "不能大于 " + field.max;
    if (v.typeMismatch || v.badInput || v.patternMismatch) return field.dataset.msgFormat || "格式不正确";
    return "";
  };
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    field.setCustomValidity("");
    if (!field.validity.valid) field.setCustomValidity(messages(field));
  }, true);
  document.addEventListener("input", function (event) {
    if (event.target.setCustomValidity) event.target.setCustomValidity("");
  }, true);

  // Charts: each <div data-chart> names a <script type="application/json"> holding its ECharts option.
  var drawCharts = function (root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source || el.dataset.drawn) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var option = JSON.parse(source.textContent);
      if (el.clientWidth < 520) {
        // Phone width: pie slices keep the legend and the tooltip, not labels that would be cut off.
        (option.series || []).forEach(function (s) { if (s.type === "pie") s.label = { show: false }; });
      }
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  };
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });

  // Team editing on an offer: "加入团队" adds the member to the team list (checked), once.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-member]");
    var list = document.getElementById("team-list");
    if (!button || !list) return;
    var id = button.dataset.addMember;
    var existing = list.querySelector('[data-member="' + id + '"] input[type=checkbox]');
    if (existing) { existing.checked = true; return; }
    var row = document.createElement("label");
    row.className = "expert actions";
    row.dataset.member = id;
    row.innerHTML = '<input type="checkbox" name="team" checked><span style="flex:1"></span>' +
      '<span class="small"><input type="radio" name="leader"> 负责人</span>';
    row.querySelector("input[type=checkbox]").value = id;
    row.querySelector("input[type=radio]").value = id;
    row.querySelector("span").textContent = button.dataset.name + " ";
    var meta = document.createElement("span");
    meta.className = "muted small";
    meta.textContent = button.dataset.meta;
    row.querySelector("span").appendChild(meta);
    list.appendChild(row);
    button.disabled = true;
    button.textContent = "已加入";
  });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });

  // Enter in the member search looks members up; it does not submit the accept form around it.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-member-search]")) event.preventDefault();
  });

  // User forms: show only the scope field the chosen role needs (hidden fields are not sent).
  var showScope = function (form) {
    var fields = JSON.parse((document.getElementById("scope-fields") || {}).textContent || "{}");
    var select = form.querySelector("[data-role-select]");
    var wanted = fields[select.value];
    form.querySelectorAll("[data-scope]").forEach(function (label) {
      var on = label.dataset.scope === wanted;
      label.hidden = !on;
      label.querySelectorAll("input, select").forEach(function (input) { input.disabled = !on; input.required = on; });
    });
  };
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scope-form]").forEach(showScope);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-role-select]")) showScope(event.target.closest("[data-scope-form]"));
  });
})();
