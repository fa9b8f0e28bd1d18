/**
 * Inline browser script of the till page (vanilla JS, no build step). Kept free of backticks and
 * "${" because it lives in a template literal; String.raw keeps regex backslashes intact.
 * All money is integer kopecks; the server re-checks everything the page computes.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var BASE = document.body.getAttribute('data-base') || '';
  var state = { buyer: null, cart: [], program: null, folders: [], lastReceipt: null };
  var timers = {};

  function $(id) { return document.getElementById(id); }
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'onclick') el.addEventListener('click', attrs[key]);
      else if (key === 'className') el.className = attrs[key];
      else el.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    });
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function money(kopecks) {
    var sign = kopecks < 0 ? '\u2212' : '';
    var abs = Math.abs(kopecks);
    var roubles = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
    var cents = abs % 100;
    return sign + roubles + ',' + (cents < 10 ? '0' : '') + cents + '\u00a0\u20bd';
  }
  function debounce(key, fn) { clearTimeout(timers[key]); timers[key] = setTimeout(fn, 200); }
  function api(method, path, body) {
    var init = { method: method, headers: { Accept: 'application/json' } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(BASE + '/api' + path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(data.message || ('Ошибка ' + res.status));
        return data;
      });
    });
  }
  function showError(id, error) { $(id).textContent = error ? (error.message || String(error)) : ''; }

  // ---- totals and points (same integer rules as the server) ----
  function cartTotal() {
    return state.cart.reduce(function (sum, line) { return sum + line.priceKopecks * line.quantity; }, 0);
  }
  function maxPoints() {
    var p = state.program;
    if (!p || !state.buyer || state.buyer.isNew) return 0;
    var capKopecks = Math.floor(cartTotal() * p.maxPaidRatePercents / 100);
    var capPoints = Math.floor(capKopecks * p.spendRatePointsToRouble / 100);
    return Math.max(0, Math.min(state.buyer.bonusPoints, capPoints));
  }
  function pointsKopecks(points) {
    return state.program ? Math.floor(points * 100 / state.program.spendRatePointsToRouble) : 0;
  }
  function requestedPoints() {
    var value = parseInt($('points').value, 10);
    return isFinite(value) && value > 0 ? value : 0;
  }

  // ---- buyer ----
  function renderBuyer() {
    var box = clear($('buyer-chosen'));
    var b = state.buyer;
    box.classList.toggle('hidden', !b);
    if (!b) return;
    box.appendChild(h('div', {}, [h('strong', {}, [b.name]), b.isNew ? ' (новый)' : '']));
    box.appendChild(h('div', { className: 'muted' }, [
      (b.phone || 'без телефона') + (b.discountCardNumber ? ' · карта ' + b.discountCardNumber : ''),
    ]));
    if (!b.isNew) box.appendChild(h('div', {}, ['Баллов: ', h('strong', { id: 'buyer-points' }, [b.bonusPoints])]));
    box.appendChild(h('button', { className: 'link', onclick: function () { state.buyer = null; renderAll(); } }, ['Сменить покупателя']));
  }
  function searchBuyers() {
    var query = $('buyer-query').value;
    api('GET', '/buyers?query=' + encodeURIComponent(query) + '&limit=15').then(function (data) {
      var list = clear($('buyer-results'));
      data.buyers.forEach(function (b) {
        list.appendChild(h('li', { onclick: function () { chooseBuyer(b); } }, [
          h('span', {}, [b.name, h('div', { className: 'sub' }, [(b.phone || '') + (b.discountCardNumber ? ' · ' + b.discountCardNumber : '')])]),
          h('span', { className: 'sub' }, [b.bonusPoints + ' б.']),
        ]));
      });
      if (!data.buyers.length) list.appendChild(h('li', { className: 'muted' }, ['Никого не нашли']));
      showError('buyer-error', null);
    }).catch(function (e) { showError('buyer-error', e); });
  }
  function chooseBuyer(b) {
    state.buyer = b;
    clear($('buyer-results'));
    $('buyer-query').value = '';
    renderAll();
  }
  function refreshBuyer() {
    if (!state.buyer || state.buyer.isNew) return Promise.resolve();
    return api('GET', '/buyers/' + encodeURIComponent(state.buyer.id)).then(function (data) { state.buyer = data.buyer; renderAll(); });
  }

  // ---- catalog ----
  function loadProducts() {
    var query = $('product-query').value;
    var folderId = $('product-folder').value;
    api('GET', '/products?query=' + encodeURIComponent(query) + '&folderId=' + encodeURIComponent(folderId)).then(function (data) {
      if (!state.folders.length) {
        state.folders = data.folders;
        var select = $('product-folder');
        data.folders.forEach(function (f) {
          var depth = f.path.split('/').length - 1;
          select.appendChild(h('option', { value: f.id }, [new Array(depth + 1).join('\u00a0\u00a0') + f.name]));
        });
      }
      var list = clear($('product-results'));
      data.products.forEach(function (p) {
        list.appendChild(h('li', { onclick: function () { addToCart(p); } }, [
          h('span', {}, [p.name, h('div', { className: 'sub' }, [(p.article || '') + ' · ' + p.path])]),
          h('span', {}, [money(p.priceKopecks)]),
        ]));
      });
      if (!data.products.length) list.appendChild(h('li', { className: 'muted' }, ['Товары не найдены']));
    }).catch(function (e) { showError('pay-error', e); });
  }

  // ---- cart ----
  function addToCart(p) {
    var line = state.cart.filter(function (l) { return l.productId === p.id; })[0];
    if (line) line.quantity += 1;
    else state.cart.push({ productId: p.id, name: p.name, priceKopecks: p.priceKopecks, quantity: 1 });
    state.lastReceipt = null;
    renderAll();
  }
  function changeQuantity(line, delta) {
    line.quantity += delta;
    if (line.quantity <= 0) state.cart.splice(state.cart.indexOf(line), 1);
    renderAll();
  }
  function renderCart() {
    var body = clear($('cart-body'));
    state.cart.forEach(function (line) {
      body.appendChild(h('tr', {}, [
        h('td', {}, [line.name, h('div', { className: 'muted' }, [money(line.priceKopecks) + ' × ' + line.quantity])]),
        h('td', { className: 'qty' }, [
          h('button', { title: 'Меньше', onclick: function () { changeQuantity(line, -1); } }, ['−']), ' ',
          h('button', { title: 'Больше', onclick: function () { changeQuantity(line, 1); } }, ['+']),
        ]),
        h('td', { className: 'money' }, [money(line.priceKopecks * line.quantity)]),
      ]));
    });
    $('cart-empty').classList.toggle('hidden', state.cart.length > 0);
    var total = cartTotal();
    var limit = maxPoints();
    var pointsBox = $('points-box');
    var pointsOff = !state.program || !state.buyer || state.buyer.isNew;
    pointsBox.classList.toggle('hidden', pointsOff);
    $('points').max = String(limit);
    $('points-hint').textContent = !pointsOff
      ? 'Можно до ' + limit + ' б. (не больше ' + state.program.maxPaidRatePercents + '% чека и баланса)' : '';
    var points = Math.min(requestedPoints(), limit);
    $('total').textContent = money(total);
    $('points-money').textContent = '\u2212' + money(pointsKopecks(points));
    $('to-pay').textContent = money(total - pointsKopecks(points));
    $('pay').disabled = !state.buyer || !state.cart.length;
  }

  // ---- pay, receipt, returns ----
  function pay() {
    var buyer = state.buyer.isNew
      ? { name: state.buyer.name, phone: state.buyer.phone, discountCardNumber: state.buyer.discountCardNumber || undefined }
      : { id: state.buyer.id };
    var body = {
      buyer: buyer,
      positions: state.cart.map(function (l) { return { productId: l.productId, quantity: l.quantity }; }),
      // The total shown is computed with the clamped value, so pay exactly that (the server re-checks).
      payWithPoints: Math.min(requestedPoints(), maxPoints()),
    };
    $('pay').disabled = true;
    api('POST', '/sale', body).then(function (data) {
      state.lastReceipt = data.receipt;
      state.cart = [];
      $('points').value = '';
      state.buyer = null;
      showError('pay-error', null);
      renderAll();
      loadSales();
    }).catch(function (e) { showError('pay-error', e); renderCart(); });
  }
  function row(label, value) { return h('div', {}, [h('span', {}, [label]), h('span', {}, [value])]); }
  function renderReceipt() {
    var box = clear($('receipt'));
    var r = state.lastReceipt;
    box.classList.toggle('hidden', !r);
    if (!r) return;
    box.appendChild(h('h3', {}, ['Чек № ' + r.number]));
    box.appendChild(h('div', { className: 'muted' }, [r.moment.slice(0, 16) + ' МСК · ' + (r.buyer ? r.buyer.name : '')]));
    r.lines.forEach(function (l) { box.appendChild(row(l.name + ' × ' + l.quantity, money(l.priceKopecks * l.quantity))); });
    box.appendChild(row('Итого', money(r.sumKopecks)));
    box.appendChild(row('Оплачено баллами', r.pointsSpent + ' б.'));
    box.appendChild(row('Оплачено деньгами', money(r.paidKopecks)));
    box.appendChild(row('Начислено', r.pointsEarned + ' б.'));
    box.appendChild(row('Баланс', r.newBalance + ' б.'));
  }
  function loadSales() {
    api('GET', '/sales?limit=10').then(function (data) {
      var list = clear($('sales'));
      data.sales.forEach(function (s) {
        var button = h('button', { onclick: function () { returnSale(s, button); } }, [s.returned ? 'Возвращён' : 'Возврат']);
        if (s.returned) button.disabled = true;
        list.appendChild(h('li', { className: s.returned ? 'returned' : '' }, [
          h('span', {}, ['№ ' + s.number + ' · ' + money(s.sumKopecks),
            h('div', { className: 'sub' }, [s.moment.slice(0, 16) + ' · ' + (s.buyer ? s.buyer.name : '—')])]),
          button,
        ]));
      });
      if (!data.sales.length) list.appendChild(h('li', { className: 'muted' }, ['Продаж пока нет']));
    }).catch(function (e) { showError('sales-error', e); });
  }
  function returnSale(sale, button) {
    if (!window.confirm('Оформить возврат по чеку № ' + sale.number + '?')) return;
    button.disabled = true;
    api('POST', '/returns', { saleId: sale.id }).then(function () {
      showError('sales-error', null);
      loadSales();
      return refreshBuyer();
    }).catch(function (e) { button.disabled = false; showError('sales-error', e); });
  }

  function renderAll() { renderBuyer(); renderCart(); renderReceipt(); }

  $('buyer-query').addEventListener('input', function () { debounce('buyers', searchBuyers); });
  $('product-query').addEventListener('input', function () { debounce('products', loadProducts); });
  $('product-folder').addEventListener('change', loadProducts);
  $('points').addEventListener('input', renderCart);
  $('pay').addEventListener('click', pay);
  $('new-buyer').addEventListener('submit', function (event) {
    event.preventDefault();
    var name = $('new-name').value.trim();
    var phone = $('new-phone').value.trim();
    if (name.length < 2 || phone.replace(/\D/g, '').length !== 11) {
      showError('buyer-error', new Error('Укажите имя и телефон в формате +7XXXXXXXXXX'));
      return;
    }
    chooseBuyer({ isNew: true, name: name, phone: phone, discountCardNumber: $('new-card').value.trim(), bonusPoints: 0 });
    $('new-buyer').reset();
    showError('buyer-error', null);
  });

  api('GET', '/program').then(function (data) {
    state.program = data.program;
    $('program').textContent = data.program
      ? data.program.name + ': 1 б. за ' + data.program.earnRateRoublesToPoint + ' \u20bd, до ' + data.program.maxPaidRatePercents + '% чека баллами'
      : 'Бонусная программа не активна';
    renderAll();
  }).catch(function (e) { showError('pay-error', e); });
  loadProducts();
  loadSales();
  renderAll();
})();
`;
