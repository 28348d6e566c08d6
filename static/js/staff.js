// Sign-in page: attach the phone's location if the employee allows it. Optional: the
// sign-in works without it (indoor GPS is unreliable anyway).
(function () {
  "use strict";
  var form = document.querySelector("form[data-geolocate]");
  if (!form || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.querySelector("input[name=lat]").value = pos.coords.latitude.toFixed(6);
    form.querySelector("input[name=lng]").value = pos.coords.longitude.toFixed(6);
  }, function () {}, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
})();
