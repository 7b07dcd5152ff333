/* The check-in form asks the phone for its position (the Geolocation API) and posts it;
   without one (denied, no fix) it posts nothing and the server answers which is missing. */
(function () {
  "use strict";
  var form = document.getElementById("promotion-checkin");
  if (!form) { return; }
  var note = document.getElementById("promotion-geo-note");
  var button = document.getElementById("promotion-checkin-button");
  var asked = false;
  form.addEventListener("submit", function (event) {
    if (asked) { return; }
    event.preventDefault();
    asked = true;
    button.disabled = true;
    note.textContent = note.dataset.waiting;
    if (!navigator.geolocation) { form.submit(); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("promotion-lat").value = position.coords.latitude;
      document.getElementById("promotion-lng").value = position.coords.longitude;
      document.getElementById("promotion-acc").value = position.coords.accuracy || 0;
      form.submit();
    }, function () {
      note.textContent = note.dataset.denied;
      form.submit();
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  });
})();
