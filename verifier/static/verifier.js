// The verifier page: send a photo, a PDF or a scanner's text to the API, or read the code with
// the camera *on the phone* (zxing-wasm, vendored) and send only its text; show two verdicts:
// the document's (authentic, in force) and the licence's (may this person drive?).
// No framework and no external asset (the page must work offline behind the CSP); every text
// from the server is inserted with textContent, never as HTML.
"use strict";

(function () {
  const API = "/api/v1/verify";
  const WASM = "/static/vendor/zxing-wasm/zxing_reader.wasm";
  const FRAME_MS = 250;          // one decode attempt every 250 ms, on the phone
  const CAMERA_TIMEOUT_MS = 20000;
  const PURPOSE_KEY = "permis2d.purpose";
  let t = {};
  let stream = null;
  let timer = null;
  let deadline = null;
  let decoding = false;
  let zxingReady = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    (children || []).forEach((c) => { if (c !== null && c !== undefined) { node.append(c); } });
    return node;
  }

  function lang() { return t.lang === "en" ? "en" : "fr"; }

  function purpose() {
    const checked = document.querySelector("input[name=purpose]:checked");
    return checked ? checked.value : "";
  }

  function rememberPurpose() {
    try { localStorage.setItem(PURPOSE_KEY, purpose()); } catch (e) { /* private mode */ }
  }

  function restorePurpose() {
    let saved = null;
    try { saved = localStorage.getItem(PURPOSE_KEY); } catch (e) { return; }
    const input = saved && document.querySelector("input[name=purpose][value='" +
                                                   saved.replace(/[^a-z]/g, "") + "']");
    if (input) { input.checked = true; }
  }

  function shortDate(iso) {
    if (!iso) { return ""; }
    const [y, m, d] = iso.split("-");
    if (lang() === "en") {
      const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                      "Nov", "Dec"];
      return String(Number(d)) + " " + months[Number(m) - 1] + " " + y;
    }
    return d + "/" + m + "/" + y;
  }

  function age(days) {
    if (days < 62) { return days + " " + (days === 1 ? t.day : t.days); }
    const months = Math.floor(days / 30.44);
    return months + " " + (months === 1 ? t.month : t.months);
  }

  // Show a card in the result area, announce it (aria-live) and bring it into view with focus.
  function show(nodes, focusTarget) {
    const box = $("result");
    box.replaceChildren(...nodes);
    const target = focusTarget || box;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    box.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function showWorking() {
    show([el("p", { class: "working", role: "status", id: "working" }, [t.working])]);
  }

  function showMessage(text, id) {
    const p = el("p", { class: "message", id: id || "message", role: "alert" }, [text]);
    show([p], p);
  }

  function row(list, label, value, raw) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && value.length === 0)) { return; }
    const dd = el("dd", {}, [el("span", { class: "value" },
                                [Array.isArray(value) ? value.join(", ") : String(value)])]);
    if (raw) { dd.append(" ", el("span", { class: "raw-code" }, [raw])); }
    list.append(el("dt", {}, [label]), dd);
  }

  function stateLabel(state) {
    if (!state) { return ""; }
    return (lang() === "en" ? state.label_en : state.label_fr) || state.label || "";
  }

  function renderSummary(doc) {
    const list = el("dl", { class: "fields" });
    // A value the issuer cut to the field's maximum (<RS>, spec §3.4.1) is marked as cut.
    const cut = (di, value) => ((doc.truncated || []).includes(di) && value ? value + t.cut : value);
    const firstNames = (doc.holder.first_names || []).join(", ");
    row(list, t.document, doc.kind || doc.doc_type);
    row(list, t.document_id, doc.document_id);
    row(list, t.name, cut("6G", doc.holder.last_name));
    row(list, t.first_names, cut("60", firstNames));
    row(list, t.birth_date, shortDate(doc.holder.birth_date));
    row(list, t.categories, (doc.categories || []).join(" "));
    if (doc.licence_state && doc.licence_state.code) {
      row(list, t.state, stateLabel(doc.licence_state), t.code + " " + doc.licence_state.code);
    }
    row(list, t.issued, shortDate(doc.validity.issued));
    return list;
  }

  function renderFields(fields) {
    const list = el("dl", { class: "fields labelled" });
    fields.forEach((f) => {
      const label = (lang() === "en" ? f.label_en : f.label_fr) || f.di;
      const value = (lang() === "en" ? f.display_en : f.display_fr) || f.value;
      row(list, label, value, f.di + " = " + f.value);
    });
    return el("details", { open: "" }, [el("summary", {}, [t.all_fields]), list]);
  }

  // The verdict of one document: [css class, heading, lines beneath].
  function verdict(body) {
    const doc = body.document;
    const driving = body.driving;
    const reasons = body.reasons || [];
    if (!body.valid) {
      const expired = reasons.some((r) => r.code === "DOCUMENT_EXPIRED");
      if (expired && doc && doc.validity && doc.validity.expires) {
        return ["ko", "✖ " + t.invalid + " — " + t.expired + " " + shortDate(doc.validity.expires), []];
      }
      return ["ko", "✖ " + t.invalid, []];
    }
    if (driving && !driving.allowed) {
      return ["ko", "✖ " + t.not_allowed + " — " + stateLabel(driving.state),
              [el("p", { class: "authentic" }, [t.authentic])]];
    }
    const lines = [];
    if (driving) {
      lines.push(el("p", { class: "driving" },
        [t.allowed + " — " + t.categories_in_force + " " + driving.categories.join(" ")]));
    }
    const fresh = doc && doc.freshness;
    if (fresh && fresh.older_than_four_months) {
      lines.push(el("p", { class: "notice" }, [t.stale]));
      return ["warn", "⚠ " + t.stale_title, lines];
    }
    return ["ok", "✔ " + t.valid, lines];
  }

  function renderCard(body, id) {
    const [kind, heading, lines] = verdict(body);
    const attrs = { class: "verdict " + kind, "data-valid": String(body.valid === true),
                    "data-verdict": kind };
    if (id) { attrs.id = id; }
    const card = el("div", attrs);
    if (body.specimen) {
      card.append(el("p", { class: "specimen", role: "note" }, [t.specimen]));
    }
    const h2 = el("h2", { tabindex: "-1" }, [heading]);
    card.append(h2);
    lines.forEach((line) => card.append(line));
    const doc = body.document;
    if (doc && body.valid && doc.kind === "ADCS" && doc.validity && doc.validity.expires) {
      card.append(el("p", { class: "until" }, [t.until + " " + shortDate(doc.validity.expires)]));
    }
    if (doc && doc.freshness) {
      card.append(el("p", { class: "age" }, [t.issued_age
        .replace("{date}", shortDate(doc.freshness.issued))
        .replace("{age}", age(doc.freshness.age_days))]));
    }
    if (body.repaired) { card.append(el("p", { class: "note" }, [t.repaired])); }
    const reasons = body.reasons || [];
    if (reasons.length) {
      const list = el("ul", { class: "reasons" });
      reasons.forEach((r) => list.append(el("li", { "data-code": r.code },
        [lang() === "en" ? r.message_en : r.message_fr])));
      card.append(el("h3", {}, [t.reasons]), list);
    }
    if (doc) { card.append(renderSummary(doc)); }
    if (body.fields && body.fields.length) { card.append(renderFields(body.fields)); }
    return [card, h2];
  }

  function renderResult(body) {
    const [card, heading] = renderCard(body, "verdict");
    const nodes = [card];
    if (body.count > 1) {
      const more = el("div", { class: "others" }, [el("h3", {}, [t.others])]);
      body.documents.slice(1).forEach((d) => more.append(renderCard(d)[0]));
      nodes.push(more);
    }
    show(nodes, heading);
  }

  function renderError(body) {
    const err = (body && body.error) || { message: String(body) };
    const card = el("div", { class: "verdict ko", id: "verdict", "data-valid": "false",
                             "data-verdict": "error", "data-error": err.code || "" });
    // Our own wording for the codes we know; the server's (English) message otherwise.
    const known = err.code ? t["error_" + err.code] : undefined;
    const h2 = el("h2", { tabindex: "-1" }, ["✖ " + t.error]);
    card.append(h2, el("p", {}, [known || err.message || ""]));
    show([card], h2);
  }

  async function post(body, headers) {
    const url = API + "?purpose=" + encodeURIComponent(purpose());
    const response = await fetch(url, { method: "POST", body: body, headers: headers || {} });
    let json = null;
    try { json = await response.json(); } catch (e) { json = { error: { message: response.statusText } }; }
    return { status: response.status, body: json };
  }

  async function send(body, headers) {
    showWorking();
    try {
      const answer = await post(body, headers);
      if (answer.status === 200) { renderResult(answer.body); } else { renderError(answer.body); }
    } catch (e) { renderError(e.message); }
  }

  function sendFile(file) {
    const form = new FormData();
    form.append("file", file, file.name || "upload");
    return send(form);
  }

  function sendText(text) {
    return send(JSON.stringify({ text: text }), { "Content-Type": "application/json" });
  }

  // --- camera: decode on the phone, send the text only ---------------------------------------

  function cameraStatus(text) { $("camera-status").textContent = text; }

  function stopCamera() {
    if (timer) { clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach((track) => track.stop()); stream = null; }
    $("camera").hidden = true;
    $("camera-button").textContent = t.camera;
  }

  function reader() {
    if (!zxingReady) {
      const zx = window.ZXingWASM;
      if (!zx) { return Promise.reject(new Error("zxing-wasm is not loaded")); }
      zxingReady = zx.prepareZXingModule({
        overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? WASM : prefix + path) },
        fireImmediately: true,
      });
    }
    return zxingReady;
  }

  function latin1(bytes) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return text;
  }

  async function decodeFrame(video, canvas) {
    if (decoding || !stream || !video.videoWidth) { return; }
    if (Date.now() > deadline) {
      stopCamera();
      showMessage(t.camera_timeout, "camera-timeout");
      return;
    }
    decoding = true;
    try {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = await window.ZXingWASM.readBarcodes(image, {
        formats: ["DataMatrix"], tryHarder: true, maxNumberOfSymbols: 1,
      });
      const text = found.length ? latin1(found[0].bytes) : "";
      if (text.startsWith("DC") && stream) {
        stopCamera();
        await sendText(text);
      }
    } catch (e) { /* a frame that did not decode: the next one is 250 ms away */ }
    finally { decoding = false; }
  }

  async function startCamera() {
    if (stream) { stopCamera(); return; }
    if (!window.isSecureContext) { showMessage(t.camera_https, "camera-https"); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showMessage(t.camera_error, "camera-error"); return;
    }
    $("camera").hidden = false;
    cameraStatus(t.camera_loading);
    try {
      await reader();
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (e) {
      stopCamera();
      showMessage(t.camera_error, "camera-error");
      return;
    }
    const video = $("camera-video");
    video.srcObject = stream;
    $("camera-button").textContent = t.camera_stop;
    await video.play();
    cameraStatus(t.camera_searching);
    $("camera").scrollIntoView({ behavior: "smooth", block: "center" });
    const canvas = document.createElement("canvas");
    deadline = Date.now() + CAMERA_TIMEOUT_MS;
    timer = setInterval(() => decodeFrame(video, canvas), FRAME_MS);
  }

  // --- drag and drop: a file dropped anywhere on the page is verified ------------------------

  function setupDrop() {
    const zone = $("drop-zone");
    ["dragenter", "dragover"].forEach((name) => document.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    }));
    ["dragleave", "dragend"].forEach((name) => document.addEventListener(name, (event) => {
      if (!event.relatedTarget) { zone.classList.remove("dragging"); }
    }));
    document.addEventListener("drop", (event) => {
      event.preventDefault();  // never let the browser navigate away to the file
      zone.classList.remove("dragging");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) { stopCamera(); sendFile(files[0]); }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    t = JSON.parse($("messages").textContent);
    restorePurpose();
    document.querySelectorAll("input[name=purpose]").forEach((input) =>
      input.addEventListener("change", rememberPurpose));
    $("file").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file) { stopCamera(); sendFile(file); }
    });
    $("camera-button").addEventListener("click", startCamera);
    $("verify-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("text").value;
      const file = $("file").files[0];
      if (text.trim()) { sendText(text); } else if (file) { sendFile(file); }
      else { showMessage(t.empty, "empty"); }
    });
    setupDrop();
  });
})();
