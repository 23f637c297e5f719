// The verifier page: send a photo, a PDF, camera frames or a scanner's text to the API and show
// the verdict. No framework and no external asset (the page must work offline behind the CSP);
// every text from the server is inserted with textContent, never as HTML.
"use strict";

(function () {
  const API = "/api/v1/verify";
  const FRAME_MS = 500;
  let t = {};
  let stream = null;
  let timer = null;
  let inFlight = false;

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    (children || []).forEach((c) => node.append(c));
    return node;
  }

  function purpose() {
    const checked = document.querySelector("input[name=purpose]:checked");
    return checked ? checked.value : "";
  }

  function frenchDate(iso) {
    if (!iso) { return ""; }
    const [y, m, d] = iso.split("-");
    return d + "/" + m + "/" + y;
  }

  function lang() { return t.lang === "en" ? "en" : "fr"; }

  function showWorking() {
    const box = $("result");
    box.replaceChildren(el("p", { class: "working" }, [t.working]));
  }

  function row(list, label, value) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && value.length === 0)) { return; }
    list.append(el("dt", {}, [label]), el("dd", {}, [Array.isArray(value) ? value.join(" ") : value]));
  }

  function renderDocument(result) {
    const parts = [];
    const doc = result.document;
    if (doc) {
      if (doc.kind === "ADCS" && doc.validity && doc.validity.expires) {
        parts.push(el("p", { class: "until" }, [t.until + " " + frenchDate(doc.validity.expires)]));
      }
      const list = el("dl", { class: "fields" });
      row(list, t.document, doc.kind || doc.doc_type);
      row(list, t.document_id, doc.document_id);
      row(list, t.name, doc.holder.last_name);
      row(list, t.first_names, doc.holder.first_names);
      row(list, t.birth_date, frenchDate(doc.holder.birth_date));
      row(list, t.categories, doc.categories);
      if (doc.licence_state && doc.licence_state.code) {
        row(list, t.state, (doc.licence_state.label || "") + " (" + doc.licence_state.code + ")");
      }
      row(list, t.issued, frenchDate(doc.validity.issued));
      parts.push(list);
    }
    if (result.fields && result.fields.length) {
      const all = el("dl", { class: "fields raw" });
      result.fields.forEach((f) => row(all, f.di, f.value));
      parts.push(el("details", {}, [el("summary", {}, [t.all_fields]), all]));
    }
    return parts;
  }

  function renderResult(body) {
    const box = $("result");
    const ok = body.valid === true;
    const card = el("div", { class: "verdict " + (ok ? "ok" : "ko"), id: "verdict",
                             "data-valid": String(ok) });
    card.append(el("h2", {}, [(ok ? "✔ " : "✖ ") + (ok ? t.valid : t.invalid)]));
    if (body.repaired) { card.append(el("p", { class: "note" }, [t.repaired])); }
    if (body.reasons && body.reasons.length) {
      const list = el("ul", { class: "reasons" });
      body.reasons.forEach((r) => list.append(el("li", { "data-code": r.code },
        [lang() === "en" ? r.message_en : r.message_fr])));
      card.append(el("h3", {}, [t.reasons]), list);
    }
    renderDocument(body).forEach((p) => card.append(p));
    box.replaceChildren(card);
    if (body.count > 1) {
      const more = el("div", { class: "others" }, [el("h3", {}, [t.others])]);
      body.documents.slice(1).forEach((d) => {
        const c = el("div", { class: "verdict small " + (d.valid ? "ok" : "ko") },
          [el("h2", {}, [d.valid ? t.valid : t.invalid])]);
        renderDocument(d).forEach((p) => c.append(p));
        more.append(c);
      });
      box.append(more);
    }
    card.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function renderError(body) {
    const err = (body && body.error) || { message: String(body) };
    const card = el("div", { class: "verdict ko", id: "verdict", "data-valid": "false",
                             "data-error": err.code || "" });
    // Our own wording for the codes we know; the server's (English) message otherwise.
    const known = err.code ? t["error_" + err.code] : undefined;
    card.append(el("h2", {}, ["✖ " + t.error]), el("p", {}, [known || err.message || ""]));
    $("result").replaceChildren(card);
  }

  async function post(body, headers, live) {
    const url = API + "?purpose=" + encodeURIComponent(purpose()) + (live ? "&live=1" : "");
    const response = await fetch(url, { method: "POST", body: body, headers: headers || {} });
    let json = null;
    try { json = await response.json(); } catch (e) { json = { error: { message: response.statusText } }; }
    return { status: response.status, body: json };
  }

  async function sendFile(file) {
    showWorking();
    const form = new FormData();
    form.append("file", file, file.name || "upload");
    try {
      const { status, body } = await post(form);
      if (status === 200) { renderResult(body); } else { renderError(body); }
    } catch (e) { renderError(e.message); }
  }

  async function sendText(text) {
    showWorking();
    try {
      const { status, body } = await post(JSON.stringify({ text: text }),
                                          { "Content-Type": "application/json" });
      if (status === 200) { renderResult(body); } else { renderError(body); }
    } catch (e) { renderError(e.message); }
  }

  function stopCamera() {
    if (timer) { clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach((track) => track.stop()); stream = null; }
    $("camera").hidden = true;
    $("camera-button").textContent = t.camera;
  }

  function grabFrame(video) {
    if (inFlight || !video.videoWidth) { return; }
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    inFlight = true;
    canvas.toBlob(async (blob) => {
      try {
        const form = new FormData();
        form.append("file", blob, "frame.jpg");
        const { status, body } = await post(form, undefined, true);
        // 422 "no 2D-Doc found" is the normal answer until the code is in view: keep trying.
        if (status === 200 && stream) { stopCamera(); renderResult(body); }
      } catch (e) { /* a lost frame: the next one is 500 ms away */ }
      finally { inFlight = false; }
    }, "image/jpeg", 0.85);
  }

  async function startCamera() {
    if (stream) { stopCamera(); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      renderError(t.camera_error); return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1920 }, height: { ideal: 1080 } },
        audio: false,
      });
    } catch (e) { renderError(t.camera_error); return; }
    const video = $("camera-video");
    video.srcObject = stream;
    $("camera").hidden = false;
    $("camera-button").textContent = t.camera_stop;
    await video.play();
    timer = setInterval(() => grabFrame(video), FRAME_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    t = JSON.parse($("messages").textContent);
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
    });
  });
})();
