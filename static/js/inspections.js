// Inspection form: fill the hidden latitude/longitude from the phone's location, if allowed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-geolocate]");
  if (!form || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    var lat = form.querySelector("input[name=latitude]"), lng = form.querySelector("input[name=longitude]");
    if (lat && lng) { lat.value = pos.coords.latitude.toFixed(6); lng.value = pos.coords.longitude.toFixed(6); }
  }, function () {}, { timeout: 8000, maximumAge: 60000 });
})();
