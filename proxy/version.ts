/** Our version, sent in the МойСклад User-Agent (it shows in their audit). A test keeps it equal to package.json. */
export const PROXY_VERSION = '1.0.0';
