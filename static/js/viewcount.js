// Counts a view of this page: the path only, sent once, no cookie. Honours Do Not Track and
// Global Privacy Control before sending anything (the server checks them too).
(function () {
  if (navigator.doNotTrack === "1" || navigator.globalPrivacyControl) return;
  var url = document.currentScript && document.currentScript.dataset.beacon;
  if (url && navigator.sendBeacon) navigator.sendBeacon(url, location.pathname);
})();
