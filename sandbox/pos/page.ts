import { pageScript } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/** Escapes text for an HTML attribute value (the mount path is the only dynamic part of the page). */
function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The whole till page: markup, inline CSS and the bundled inline script; `basePath` is where the router is mounted. */
export function renderPosPage(basePath: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Касса МойСклад — песочница</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
</head>
<body data-base="${escapeAttribute(basePath)}">
<header>
  <h1>Касса МойСклад</h1>
  <span class="program" id="program">Загрузка…</span>
</header>
<main>
  <div>
    <section class="card" aria-labelledby="buyer-title">
      <h2 id="buyer-title">Покупатель</h2>
      <input type="search" id="buyer-query" placeholder="Телефон, номер карты или имя" autocomplete="off">
      <ul class="list" id="buyer-results"></ul>
      <div class="buyer-chosen hidden" id="buyer-chosen"></div>
      <details>
        <summary>Новый покупатель</summary>
        <form class="new-buyer" id="new-buyer">
          <input type="text" id="new-name" placeholder="ФИО" required>
          <input type="tel" id="new-phone" placeholder="+7XXXXXXXXXX" required>
          <input type="text" id="new-card" placeholder="Номер бонусной карты (необязательно)" inputmode="numeric">
          <button type="submit">Выбрать нового покупателя</button>
        </form>
      </details>
      <div class="error" id="buyer-error" role="alert"></div>
    </section>
    <section class="card" aria-labelledby="catalog-title">
      <h2 id="catalog-title">Товары</h2>
      <div class="row">
        <select id="product-folder" aria-label="Группа товаров"><option value="">Все группы</option></select>
        <input type="search" id="product-query" placeholder="Название или артикул" autocomplete="off">
      </div>
      <ul class="list" id="product-results"></ul>
    </section>
  </div>
  <div>
    <section class="card" aria-labelledby="cart-title">
      <h2 id="cart-title">Чек</h2>
      <table class="cart"><tbody id="cart-body"></tbody></table>
      <div class="muted" id="cart-empty">Добавьте товары из списка слева</div>
      <div class="totals">
        <div><span>Сумма</span><span id="total">0,00&nbsp;₽</span></div>
        <div id="points-box" class="hidden">
          <label for="points">Оплатить баллами</label>
          <span><input type="number" id="points" min="0" step="1" style="width:110px" inputmode="numeric"></span>
        </div>
        <div class="muted" id="points-hint"></div>
        <div><span>Баллами</span><span id="points-money">−0,00&nbsp;₽</span></div>
        <div class="grand"><span>К оплате</span><span id="to-pay">0,00&nbsp;₽</span></div>
      </div>
      <button class="primary pay" id="pay" disabled>Оплатить</button>
      <div class="error" id="pay-error" role="alert"></div>
      <div class="receipt hidden" id="receipt" aria-live="polite"></div>
    </section>
    <section class="card" aria-labelledby="sales-title">
      <h2 id="sales-title">Последние продажи</h2>
      <ul class="list" id="sales"></ul>
      <div class="error" id="sales-error" role="alert"></div>
    </section>
  </div>
</main>
<script>${pageScript()}</script>
</body>
</html>
`;
}
