// The interactive graph view. The page embeds, as JSON: one SVG per collapsed state of the
// drawing (laid out by Graphviz's dot ahead of time), what is known of every node, and the
// modules that can be expanded. Plain JavaScript, no libraries, no network.
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const canvas = document.getElementById("canvas");
  const tooltip = document.getElementById("tooltip");
  const status = document.getElementById("status");
  const search = document.getElementById("search");
  let svg = null;
  let view = null; // the SVG viewBox: [x, y, width, height]
  let full = null; // the viewBox that shows the whole drawing
  let nodes = {}; // DOT id -> <g class="node">
  let edgesOut = {}; // DOT id -> [[head id, <g class="edge">]]
  let edgesIn = {};
  let expanded = new Set(data.initial);
  let pinned = false;

  function infoOf(id) {
    // A tensor drawn again beside far-apart uses ("t5_2") is the same tensor as "t5".
    return data.info[id] || data.info[id.replace(/_\d+$/, "")];
  }

  function stateKey(set) {
    return Array.from(set).sort((a, b) => a - b).join(",");
  }

  function show(set) {
    let key = stateKey(set);
    if (!(key in data.states)) {
      // Large models have a layout for each module expanded alone, not for every mix.
      const last = Array.from(set).pop();
      set = last === undefined ? new Set() : new Set([last]);
      key = stateKey(set);
      status.textContent = "one module expanded at a time for this model";
    }
    expanded = set;
    canvas.querySelectorAll("svg").forEach((old) => old.remove());
    canvas.insertAdjacentHTML("afterbegin", data.states[key]);
    svg = canvas.querySelector("svg");
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    index();
    const box = svg.viewBox.baseVal;
    full = [box.x, box.y, box.width, box.height];
    fit();
    document.body.dataset.state = key;
  }

  function index() {
    nodes = {};
    edgesOut = {};
    edgesIn = {};
    svg.querySelectorAll("title").forEach((title) => {
      const group = title.parentNode;
      const name = title.textContent;
      title.remove(); // the browser's own tooltip would cover ours
      if (group.classList.contains("node")) {
        nodes[name] = group;
        group.dataset.id = name;
      } else if (group.classList.contains("edge")) {
        const [tail, head] = name.split("->");
        (edgesOut[tail] = edgesOut[tail] || []).push([head, group]);
        (edgesIn[head] = edgesIn[head] || []).push([tail, group]);
      }
    });
    svg.querySelectorAll("a").forEach((link) => link.removeAttribute("xlink:title"));
  }

  // -- pan and zoom -------------------------------------------------------------------
  function apply() {
    svg.setAttribute("viewBox", view.join(" "));
  }

  function fit() {
    view = full.slice();
    apply();
  }

  function zoom(factor, clientX, clientY) {
    const rect = svg.getBoundingClientRect();
    const scale = Math.max(view[2] / rect.width, view[3] / rect.height);
    // the point under the cursor stays where it is
    const px = view[0] + (clientX - rect.left) * scale - (rect.width * scale - view[2]) / 2;
    const py = view[1] + (clientY - rect.top) * scale - (rect.height * scale - view[3]) / 2;
    view = [px - (px - view[0]) * factor, py - (py - view[1]) * factor, view[2] * factor, view[3] * factor];
    apply();
  }

  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, event.clientX, event.clientY);
  }, { passive: false });

  let drag = null;
  canvas.addEventListener("mousedown", (event) => {
    drag = { x: event.clientX, y: event.clientY, view: view.slice(), moved: false };
  });
  window.addEventListener("mousemove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) {
      drag.moved = true;
      canvas.classList.add("dragging");
    }
    const rect = svg.getBoundingClientRect();
    const scale = Math.max(view[2] / rect.width, view[3] / rect.height);
    view = [drag.view[0] - dx * scale, drag.view[1] - dy * scale, view[2], view[3]];
    apply();
  });
  window.addEventListener("mouseup", () => {
    canvas.classList.remove("dragging");
    setTimeout(() => (drag = null), 0);
  });

  // -- tooltip --------------------------------------------------------------------------
  function escape(text) {
    return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  function rows(pairs) {
    return "<table>" + pairs.filter((p) => p[1] !== undefined && p[1] !== null)
      .map(([key, value]) => `<tr><td>${escape(key)}</td><td class="values">${escape(value)}</td></tr>`)
      .join("") + "</table>";
  }

  function describe(info) {
    if (info.kind === "op") {
      return `<b>${escape(info.name)}</b> operation (${escape(info.type)})<br>click: its inputs, outputs and path to the output`;
    }
    if (info.kind === "module") {
      return `<b>${escape(info.name)}</b><br>` + rows([
        ["operations", info.operations], ["parameters", info.parameters.join(", ") || "none"],
        ["|grad|", info.grad], ["click", expanded.has(info.index) ? "collapse" : "expand"],
      ]);
    }
    const grad = info.grad || {};
    return `<b>${escape(info.name || info.role)}</b> ${escape(info.role)} tensor` + rows([
      ["shape", info.shape], ["dtype", info.dtype],
      ["min / mean / max", info.stats], ["values", info.values],
      ["grad L2 norm", grad.norm], ["grad min / mean / max", grad.stats], ["grad values", grad.values],
      ["gradient", info.role === "data" ? "none (needs no gradient)" : info.grad ? undefined : "not known"],
    ]);
  }

  function place(event) {
    // beside the cursor, on the side with room: the left one first, off the graph's middle
    const rect = canvas.getBoundingClientRect();
    const cursorX = event.clientX - rect.left;
    const left = cursorX - tooltip.offsetWidth - 14;
    const x = left >= 0 ? left : Math.min(cursorX + 14, rect.width - tooltip.offsetWidth - 4);
    const y = Math.min(event.clientY - rect.top + 14, rect.height - tooltip.offsetHeight - 4);
    tooltip.style.left = Math.max(0, x) + "px";
    tooltip.style.top = Math.max(0, y) + "px";
  }

  function nodeAt(event) {
    const group = event.target.closest && event.target.closest("g.node");
    return group && svg.contains(group) ? group : null;
  }

  canvas.addEventListener("mouseover", (event) => {
    const group = nodeAt(event);
    if (!group || pinned) return;
    tooltip.innerHTML = describe(infoOf(group.dataset.id));
    tooltip.style.display = "block";
    place(event);
  });
  canvas.addEventListener("mousemove", (event) => {
    if (!pinned && tooltip.style.display === "block" && nodeAt(event)) place(event);
  });
  canvas.addEventListener("mouseout", (event) => {
    if (!pinned && nodeAt(event)) tooltip.style.display = "none";
  });

  // -- clicks: expand a module, follow an operation, pin a tensor's tooltip ---------------
  function clear() {
    svg.classList.remove("dimmed");
    svg.querySelectorAll(".hl, .selected, .found").forEach((el) => el.classList.remove("hl", "selected", "found"));
  }

  function highlight(id) {
    clear();
    svg.classList.add("dimmed");
    nodes[id].classList.add("hl", "selected");
    for (const [tail, edge] of edgesIn[id] || []) {
      edge.classList.add("hl");
      nodes[tail].classList.add("hl");
    }
    // everything downstream: the outputs and every path from here to the loss
    const stack = [id];
    const seen = new Set(stack);
    while (stack.length) {
      for (const [head, edge] of edgesOut[stack.pop()] || []) {
        edge.classList.add("hl");
        nodes[head].classList.add("hl");
        if (!seen.has(head)) {
          seen.add(head);
          stack.push(head);
        }
      }
    }
  }

  canvas.addEventListener("click", (event) => {
    if (drag && drag.moved) return;
    const group = nodeAt(event);
    pinned = false;
    tooltip.classList.remove("pinned");
    if (!group) {
      clear();
      tooltip.style.display = "none";
      return;
    }
    const info = infoOf(group.dataset.id);
    if (info.kind === "module" || (info.module !== undefined && event.altKey)) {
      const set = new Set(expanded);
      const index = info.kind === "module" ? info.index : info.module;
      set.has(index) ? set.delete(index) : set.add(index);
      tooltip.style.display = "none";
      show(set);
    } else if (info.kind === "op") {
      highlight(group.dataset.id);
    } else {
      pinned = true;
      tooltip.classList.add("pinned");
      tooltip.innerHTML = describe(info);
      tooltip.style.display = "block";
      place(event);
    }
  });

  // -- search ---------------------------------------------------------------------------
  function find(text) {
    clear();
    const wanted = text.trim().toLowerCase();
    if (!wanted) {
      status.textContent = "";
      return;
    }
    const matches = (id) => {
      const info = infoOf(id);
      return info && (info.name || "").toLowerCase().includes(wanted);
    };
    let hits = Object.keys(nodes).filter(matches);
    if (!hits.length) {
      // inside a collapsed module? expand it
      const id = Object.keys(data.info).find(matches);
      const owner = id === undefined ? undefined : data.info[id].module;
      if (owner !== undefined) {
        show(new Set(expanded).add(owner));
        hits = Object.keys(nodes).filter(matches);
      }
    }
    hits.forEach((id) => nodes[id].classList.add("found"));
    status.textContent = hits.length ? `${hits.length} found` : "not found";
    if (hits.length) focus(nodes[hits[0]]);
  }

  function focus(group) {
    // the node's box in the SVG's own units (dot's drawing sits under a translated <g>)
    const rect = group.getBoundingClientRect();
    const toSvg = svg.getScreenCTM().inverse();
    const a = new DOMPoint(rect.left, rect.top).matrixTransform(toSvg);
    const b = new DOMPoint(rect.right, rect.bottom).matrixTransform(toSvg);
    const area = svg.getBoundingClientRect();
    const width = Math.max((b.x - a.x) * 8, 300);
    const height = width * (area.height / area.width);
    view = [(a.x + b.x) / 2 - width / 2, (a.y + b.y) / 2 - height / 2, width, height];
    apply();
  }

  search.addEventListener("input", () => find(search.value));
  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("zoom-in").addEventListener("click", () => {
    const rect = svg.getBoundingClientRect();
    zoom(1 / 1.5, rect.left + rect.width / 2, rect.top + rect.height / 2);
  });
  document.getElementById("zoom-out").addEventListener("click", () => {
    const rect = svg.getBoundingClientRect();
    zoom(1.5, rect.left + rect.width / 2, rect.top + rect.height / 2);
  });

  show(expanded);
  document.body.dataset.ready = "true";
})();
