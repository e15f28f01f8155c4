/**
 * The URL a request line logs: the path, and of the query string only the names of its parameters.
 * A value may be what a user typed into the search box (`q=` with a child's name, an ID number, a
 * phone), and no log line carries one; a parameter name that is not a plain identifier is shown as
 * `?` (a name, too, can be anything a client sends). The path holds ids and route words only.
 */
export function loggedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const name = pair.split('=', 1)[0];
      return /^[A-Za-z][A-Za-z0-9_.[\]]{0,39}$/.test(name) ? name : '?';
    });
  return names.length ? `${url.slice(0, at)}?${[...new Set(names)].join('&')}` : url.slice(0, at);
}
