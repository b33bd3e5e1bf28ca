/* Every map of the portal, drawn with Leaflet from a JSON document the page embeds (no inline
   script: the public pages' Content-Security-Policy allows only our own files).

   <div data-map="pick|show|hotspots" data-map-config="ID" [data-map-features="ID"]> where ID is
   the id of a <script type="application/json"> made by Django's json_script:
   - pick (the report form, step 1): outlines of the places in view; a click, a dragged pin or
     "use my location" asks the server for the place of the point, fills the district, street
     and community lists (the form's "portal:choose-place" event) and the form's map point;
   - show (a ticket's place): the place's outline and, where the page shows it, the point;
   - hotspots (analysts): communities shaded by their number of tickets, with the top
     categories on hover and focus.
   Texts come from the page (data-* attributes), so they are translated with it. Without
   JavaScript the maps stay hidden and the pages work without them. */
(function () {
  "use strict";

  if (!window.L) {
    return;
  }
  var L = window.L;

  function readJson(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Leaflet cancels a tile's download by pointing it at a data: URL, which the pages'
  // Content-Security-Policy refuses (img-src: our files and the tile host only): these three
  // methods are Leaflet 1.9.4's own with our blank image in its place.
  var Tiles = L.TileLayer.extend({
    _abortLoading: function () {
      var key, tile, coords;
      for (key in this._tiles) {
        if (this._tiles[key].coords.z !== this._tileZoom) {
          tile = this._tiles[key].el;
          tile.onload = L.Util.falseFn;
          tile.onerror = L.Util.falseFn;
          if (!tile.complete) {
            tile.src = this.options.blank;
            coords = this._tiles[key].coords;
            L.DomUtil.remove(tile);
            delete this._tiles[key];
            this.fire("tileabort", { tile: tile, coords: coords });
          }
        }
      }
    },
    _removeTile: function (key) {
      var tile = this._tiles[key];
      if (!tile) {
        return;
      }
      tile.el.setAttribute("src", this.options.blank);
      return L.GridLayer.prototype._removeTile.call(this, key);
    },
    _tileReady: function (coords, err, tile) {
      if (!this._map || (tile && tile.getAttribute("src") === this.options.blank)) {
        return;
      }
      return L.GridLayer.prototype._tileReady.call(this, coords, err, tile);
    }
  });

  function baseMap(element, config, options) {
    var map = L.map(element, Object.assign({
      center: config.centre,
      zoom: config.zoom,
      maxZoom: config.maxZoom,
      attributionControl: !config.localTiles
    }, options || {}));
    new Tiles(config.tiles, {
      blank: config.blank,
      subdomains: config.subdomains,
      attribution: config.attribution,
      maxZoom: config.maxZoom
    }).addTo(map);
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
    }
    return map;
  }

  // Show all of `layer` at once (no zoom animation), measured at the container's final size.
  function fitTo(map, layer, options) {
    map.invalidateSize(false);
    if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), Object.assign({ animate: false }, options));
    }
  }

  var OUTLINE = { color: "#1d4f91", weight: 1.5, fillOpacity: 0.04 };
  var PLACE = { color: "#b3261e", weight: 3, fillColor: "#b3261e", fillOpacity: 0.12 };

  function pinIcon() {
    // Leaflet moves the icon with its own transform: the shape is drawn by an inner element.
    return L.divIcon({
      className: "map-pin",
      html: '<span class="map-pin-head"></span>',
      iconSize: [24, 30],
      iconAnchor: [12, 30]
    });
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      });
  }

  // -- a ticket's place ------------------------------------------------------------------------

  function showMap(element, config) {
    var map = baseMap(element, config);
    var features = readJson(element.getAttribute("data-map-features")) || [];
    var layer = L.geoJSON(features, {
      style: function () {
        return PLACE;
      },
      pointToLayer: function (feature, at) {
        return L.marker(at, { icon: pinIcon(), keyboard: false, title: feature.properties.name });
      },
      onEachFeature: function (feature, shape) {
        if (feature.properties.name) {
          shape.bindTooltip(feature.properties.name);
        }
      }
    }).addTo(map);
    fitTo(map, layer, { maxZoom: 16, padding: [16, 16] });
    element.setAttribute("data-map-ready", "1");
    return map;
  }

  // -- the report form: a pin fills the place lists ------------------------------------------------

  function pickMap(element, config) {
    var form = element.closest("form");
    var box = element.closest("[data-place-map]");
    var status = box.querySelector("[data-map-status]");
    var locate = box.querySelector("[data-map-locate]");
    var latitude = form.querySelector('input[name="latitude"]');
    var longitude = form.querySelector('input[name="longitude"]');
    box.hidden = false;
    var map = baseMap(element, config);
    var outlines = L.geoJSON(null, {
      style: function () {
        return OUTLINE;
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(feature.properties.name, { sticky: true });
      }
    }).addTo(map);
    var chosen = L.geoJSON(null, {
      style: function () {
        return PLACE;
      },
      interactive: false
    }).addTo(map);
    var pin = null;
    var asked = 0;

    function say(text) {
      status.textContent = text || "";
    }

    function loadOutlines() {
      var bounds = map.getBounds();
      var url = config.boundariesUrl + "?zoom=" + map.getZoom() + "&bbox=" +
        [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
          .map(function (v) { return v.toFixed(5); }).join(",");
      getJson(url).then(function (answer) {
        if (answer.ok) {
          outlines.clearLayers();
          outlines.addData(answer.body.features);
        }
      }).catch(function () {});
    }

    function showChosen(feature) {
      chosen.clearLayers();
      if (feature) {
        chosen.addData(feature);
      }
    }

    function setPin(at) {
      if (!pin) {
        pin = L.marker(at, { icon: pinIcon(), draggable: true, title: box.getAttribute("data-pin-title") });
        pin.on("dragend", function () {
          place(pin.getLatLng(), config.coordSystem);
        });
        pin.addTo(map);
      } else {
        pin.setLatLng(at);
      }
    }

    // Ask the server where the point is; fill the lists and the map point from its answer.
    function place(at, system) {
      var ticket = ++asked;
      say(box.getAttribute("data-finding"));
      var url = config.placeUrl + "?lat=" + at.lat.toFixed(6) + "&lon=" + at.lng.toFixed(6) +
        "&coord_system=" + encodeURIComponent(system);
      return getJson(url).then(function (answer) {
        if (ticket !== asked) {
          return;
        }
        var body = answer.body;
        if (body.mapPoint) {
          setPin(L.latLng(body.mapPoint[0], body.mapPoint[1]));
        }
        if (body.lat && latitude && longitude) {
          latitude.value = body.lat;
          longitude.value = body.lon;
        }
        if (!answer.ok) {
          showChosen(null);
          say(body.error || box.getAttribute("data-failed"));
          return;
        }
        showChosen(body.outline);
        if (map.getZoom() < 13 && chosen.getLayers().length) {
          map.fitBounds(chosen.getBounds(), { maxZoom: 15 });  // show the place the pin is in
        }
        form.dispatchEvent(new CustomEvent("portal:choose-place", { detail: { codes: body.codes } }));
        say(box.getAttribute("data-placed").replace("%(place)s", body.names));
        element.setAttribute("data-map-placed", body.codes.join(","));
      }).catch(function () {
        say(box.getAttribute("data-failed"));
      });
    }

    // A place chosen in the lists by hand: the map shows it.
    function showRegion(code) {
      return getJson(config.regionUrl.replace("CODE", encodeURIComponent(code))).then(function (answer) {
        if (answer.ok) {
          showChosen(answer.body);
          map.fitBounds(chosen.getBounds(), { maxZoom: 16 });
        }
      }).catch(function () {});
    }
    ["district", "street", "community"].forEach(function (name) {
      var field = form.querySelector('select[name="' + name + '"]');
      if (field) {
        field.addEventListener("change", function () {
          if (field.value) {
            showRegion(field.value);
          }
        });
      }
    });

    map.on("click", function (event) {
      setPin(event.latlng);
      place(event.latlng, config.coordSystem);
    });
    map.on("moveend", loadOutlines);

    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        say(box.getAttribute("data-locating"));
        navigator.geolocation.getCurrentPosition(
          function (position) {
            // The browser reports WGS-84; the server answers where to draw it.
            place(L.latLng(position.coords.latitude, position.coords.longitude), "wgs84")
              .then(function () {
                if (pin) {
                  map.setView(pin.getLatLng(), Math.max(map.getZoom(), 15));
                }
              });
          },
          function () {
            say(box.getAttribute("data-no-location"));
          },
          { enableHighAccuracy: true, timeout: 15000 }
        );
      });
    }

    // A point already given (back from step 2, or an error shown): show it again.
    if (latitude && longitude && latitude.value && longitude.value) {
      var given = L.latLng(parseFloat(latitude.value), parseFloat(longitude.value));
      if (isFinite(given.lat) && isFinite(given.lng)) {
        getJson(config.placeUrl + "?lat=" + given.lat + "&lon=" + given.lng + "&coord_system=wgs84")
          .then(function (answer) {
            var body = answer.body;
            if (body.mapPoint) {
              setPin(L.latLng(body.mapPoint[0], body.mapPoint[1]));
              map.setView(pin.getLatLng(), 15);
            }
            showChosen(answer.ok ? body.outline : null);
          }).catch(function () {});
      }
    } else {
      // The place chosen in the lists, if any: zoom to it.
      var finest = ["community", "street", "district"].map(function (name) {
        var field = form.querySelector('select[name="' + name + '"]');
        return field && field.value;
      }).filter(Boolean)[0];
      if (finest) {
        showRegion(finest);
      }
    }
    loadOutlines();
    element.setAttribute("data-map-ready", "1");
    return map;
  }

  // -- analysts: hotspots ----------------------------------------------------------------------

  var SHADES = ["#fde0c5", "#facba6", "#f59e72", "#e8684a", "#c73e36"];

  function hotspotMap(element, config) {
    var map = baseMap(element, config, { zoomSnap: 0.25 });  // the city fills the frame
    var data = readJson(element.getAttribute("data-map-features")) || { features: [], steps: [] };
    var steps = data.steps;

    function shade(count) {
      var at = 0;
      while (at < steps.length && count > steps[at]) {
        at += 1;
      }
      return SHADES[Math.min(at, SHADES.length - 1)];
    }

    var layer = L.geoJSON(data.features, {
      style: function (feature) {
        var hot = feature.properties.hotspot;
        return {
          color: hot ? "#7a0a0a" : "#555",
          weight: hot ? 3 : 1,
          fillColor: shade(feature.properties.count),
          fillOpacity: 0.75
        };
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(feature.properties.label, { sticky: true });
      }
    }).addTo(map);
    fitTo(map, layer, { padding: [8, 8] });
    element.setAttribute("data-map-ready", "1");
    return map;
  }

  var MODES = { pick: pickMap, show: showMap, hotspots: hotspotMap };
  document.querySelectorAll("[data-map]").forEach(function (element) {
    var make = MODES[element.getAttribute("data-map")];
    var config = readJson(element.getAttribute("data-map-config"));
    if (make && config) {
      element.hidden = false;
      var section = element.closest("[data-map-section]");
      if (section) {
        section.hidden = false;  // its heading and text say nothing without the map
      }
      make(element, config);
    }
  });
})();
