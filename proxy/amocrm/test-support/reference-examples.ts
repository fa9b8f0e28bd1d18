/**
 * The example payloads of /work/shared/reference/amocrm-api.md, copied VERBATIM (generated from the code blocks of that
 * file, so no hand edits). Tests parse them after the minimal documented unwrapping (dropping an HTTP request
 * line, wrapping a fragment in braces) and run them through our schemas and methods.
 */
export const referenceBlocks = {
  /** code block #0 of amocrm-api.md */
  exchangeCodeRequest: "{\n  \"client_id\": \"xxxx\",\n  \"client_secret\": \"xxxx\",\n  \"grant_type\": \"authorization_code\",\n  \"code\": \"xxxxxxx\",\n  \"redirect_uri\": \"https://test.test\"\n}\n",
  /** code block #1 of amocrm-api.md */
  tokenResponse: "{\n  \"token_type\": \"Bearer\",\n  \"expires_in\": 86400,\n  \"server_time\": 1751621727,\n  \"access_token\": \"xxxxxx\",\n  \"refresh_token\": \"xxxxx\"\n}\n",
  /** code block #2 of amocrm-api.md */
  refreshRequest: "{\n  \"client_id\": \"xxxx\",\n  \"client_secret\": \"xxxx\",\n  \"grant_type\": \"refresh_token\",\n  \"refresh_token\": \"xxxxx\",\n  \"redirect_uri\": \"https://test.test\"\n}\n",
  /** code block #4 of amocrm-api.md */
  customersPage: "{\n  \"_page\": 1,\n  \"_links\": {\n    \"self\": {\"href\": \"https://example.amocrm.ru/api/v4/customers?limit=2&with=contacts&page=1\"},\n    \"next\": {\"href\": \"https://example.amocrm.ru/api/v4/customers?limit=2&with=contacts&page=2\"}\n  },\n  \"_embedded\": {\"customers\": [ ... ]}\n}\n",
  /** code block #5 of amocrm-api.md */
  validationErrors: "{\n  \"validation-errors\": [\n    {\n      \"request_id\": \"0\",\n      \"errors\": [\n        {\n          \"code\": \"NotSupportedChoice\",\n          \"path\": \"custom_fields_values.0.field_id\",\n          \"detail\": \"The value you selected is not a valid choice.\"\n        }\n      ]\n    }\n  ],\n  \"title\": \"Bad Request\",\n  \"type\": \"https://httpstatus.es/400\",\n  \"status\": 400,\n  \"detail\": \"Request validation failed\"\n}\n",
  /** code block #6 of amocrm-api.md */
  customersModeRequest: "{\"mode\": \"segments\", \"is_enabled\": true}\n",
  /** code block #7 of amocrm-api.md */
  createCustomersRequest: "[\n  {\n    \"name\": \"Покупатель для примера 1\",\n    \"created_by\": 0,\n    \"custom_fields_values\": [\n      {\"field_id\": 294479, \"values\": [{\"value\": \"Наш первый покупатель\"}]}\n    ],\n    \"tags_to_add\": [{\"id\": 107721}]\n  },\n  {\n    \"name\": \"Покупатель для примера 2\",\n    \"_embedded\": {\n      \"tags\": [{\"name\": \"Важный покупатель\"}],\n      \"segments\": [{\"id\": 81}]\n    }\n  }\n]\n",
  /** code block #8 of amocrm-api.md */
  updateCustomersRequest: "[{\"id\": 1299433, \"name\": \"Новое название покупателя\", \"_embedded\": {\"tags\": [{\"name\": \"Тег 125\"}]}}]\n",
  /** code block #9 of amocrm-api.md */
  createTransactionsRequest: "[\n  {\n    \"price\": 123,\n    \"created_by\": 0,\n    \"comment\": \"Комментарий\",\n    \"_embedded\": {\n      \"catalog_elements\": [\n        {\"id\": 1677, \"metadata\": {\"catalog_id\": 1079, \"quantity\": 10}}\n      ]\n    }\n  }\n]\n",
  /** code block #10 of amocrm-api.md */
  bonusPointsRequest: "{\"earn\": 500}\n",
  /** code block #11 of amocrm-api.md */
  linkRequest: "[\n  {\"to_entity_id\": 457282, \"to_entity_type\": \"contacts\", \"metadata\": {\"is_main\": true}},\n  {\"to_entity_id\": 10, \"to_entity_type\": \"catalog_elements\", \"metadata\": {\"quantity\": 1, \"catalog_id\": 1026}}\n]\n",
  /** code block #12 of amocrm-api.md */
  createContactsRequest: "[\n  {\n    \"first_name\": \"Иван\",\n    \"last_name\": \"Иванов\",\n    \"custom_fields_values\": [\n      {\"field_code\": \"PHONE\", \"values\": [{\"value\": \"+79121234567\", \"enum_code\": \"MOB\"}]},\n      {\"field_code\": \"EMAIL\", \"values\": [{\"value\": \"ivan@example.com\", \"enum_code\": \"WORK\"}]}\n    ],\n    \"request_id\": \"ms-counterparty-7f3c...\"\n  }\n]\n",
  /** code block #13 of amocrm-api.md */
  catalogElementFieldsFragment: "\"custom_fields_values\": [\n  {\"field_id\": 271207, \"field_name\": \"Артикул\",  \"field_code\": \"SKU\",         \"field_type\": \"text\",     \"values\": [{\"value\": \"dsg\"}]},\n  {\"field_id\": 271209, \"field_name\": \"Описание\", \"field_code\": \"DESCRIPTION\", \"field_type\": \"textarea\", \"values\": [{\"value\": \"Описание\"}]},\n  {\"field_id\": 271211, \"field_name\": \"Цена\",     \"field_code\": \"PRICE\",       \"field_type\": \"numeric\",  \"values\": [{\"value\": \"12\"}]},\n  {\"field_id\": 271213, \"field_name\": \"Группа\",   \"field_code\": \"GROUP\",       \"field_type\": \"category\", \"values\": [{\"value\": \"Телефоны\", \"enum_id\": 10663}]}\n]\n",
  /** code block #14 of amocrm-api.md */
  createCatalogElementsRequest: "[\n  {\n    \"name\": \"Кроссовки Nike Air\",\n    \"custom_fields_values\": [\n      {\"field_code\": \"SKU\",         \"values\": [{\"value\": \"NK-AIR-42\"}]},\n      {\"field_code\": \"PRICE\",       \"values\": [{\"value\": 7990}]},\n      {\"field_code\": \"DESCRIPTION\", \"values\": [{\"value\": \"Размер 42\"}]},\n      {\"field_code\": \"EXTERNAL_ID\", \"values\": [{\"value\": \"b3f0c2e4-...-moysklad-uuid\"}]}\n    ],\n    \"request_id\": \"b3f0c2e4\"\n  }\n]\n",
  /** code block #15 of amocrm-api.md */
  createCustomFieldsHttp: "POST /api/v4/customers/custom_fields\nContent-Type: application/json\n\n[\n  {\"name\": \"Бонусная карта\", \"type\": \"text\",    \"code\": \"BONUS_CARD\",   \"sort\": 500},\n  {\"name\": \"Бонусные баллы\", \"type\": \"numeric\", \"code\": \"BONUS_POINTS\", \"sort\": 510}\n]\n",
  /** code block #16 of amocrm-api.md */
  writeCustomFieldValues: "[{\"id\": 134957, \"custom_fields_values\": [\n  {\"field_code\": \"BONUS_CARD\",   \"values\": [{\"value\": \"2000000123456\"}]},\n  {\"field_code\": \"BONUS_POINTS\", \"values\": [{\"value\": \"534\"}]}\n]}]\n",
  /** code block #17 of amocrm-api.md */
  createNotesRequest: "[\n  {\n    \"note_type\": \"extended_service_message\",\n    \"params\": {\n      \"service\": \"МойСклад\",\n      \"text\": \"Розничная продажа №00123 от 12.03.2026: 2 позиции на 7 990 ₽. Начислено 80 баллов, баланс 534.\"\n    },\n    \"request_id\": \"retaildemand-…\"\n  }\n]\n",
} as const;
