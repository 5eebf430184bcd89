// Swagger UI's own labels (/docs) in the page's language. Its bundle has no translations: the labels
// it renders are replaced, as they appear, by the catalogue's (window.gwangyangMessages, loaded from
// /static/i18n/<lang>.js before this script; the API's texts come translated in /openapi.json?lang=).
(function () {
  "use strict";
  const messages = window.gwangyangMessages || {};
  const t = (message) => messages[message] || message;
  const labels = {
    "Try it out": t("Try it out"),
    Cancel: t("Cancel"),
    Execute: t("Execute"),
    Clear: t("Clear"),
    Parameters: t("Parameters"),
    "No parameters": t("No parameters"),
    "Request body": t("Request body"),
    Responses: t("Responses"),
    Code: t("Code"),
    Description: t("Description"),
    Links: t("Links"),
    "No links": t("No links"),
    Name: t("Name"),
    "Media type": t("Media type"),
    "Example Value": t("Example Value"),
    Schema: t("Schema"),
    Schemas: t("Schemas"),
    "Server response": t("Server response"),
    "Response body": t("Response body"),
    "Response headers": t("Response headers"),
    "Request URL": t("Request URL"),
    Details: t("Details"),
    Download: t("Download"),
    Authorize: t("Authorize"),
    "Available authorizations": t("Available authorizations"),
    Close: t("Close"),
    Logout: t("Logout"),
    "Loading...": t("Loading..."),
    "Send empty value": t("Send empty value"),
    Headers: t("Headers"),
    Undocumented: t("Undocumented"),
  };

  function translateText(node) {
    const text = node.nodeValue.trim();
    const label = Object.prototype.hasOwnProperty.call(labels, text) ? labels[text] : null;
    if (label && label !== text) node.nodeValue = node.nodeValue.replace(text, label);
  }

  function translate(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      translateText(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE || root.closest("code, pre, .markdown, textarea")) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest("code, pre, .markdown, textarea")) translateText(node);
    }
  }

  const target = document.getElementById("swagger-ui");
  if (!target) return;
  translate(target);
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "characterData") {
        if (!record.target.parentElement?.closest("code, pre, .markdown, textarea")) translateText(record.target);
      } else {
        for (const node of record.addedNodes) {
          if (node.nodeType === Node.TEXT_NODE && node.parentElement?.closest("code, pre, .markdown, textarea")) continue;
          translate(node);
        }
      }
    }
  }).observe(target, { childList: true, subtree: true, characterData: true });
})();
