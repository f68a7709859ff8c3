// The studio's one way to the server. State-changing requests always carry a
// JSON body ({} when there is nothing to say), so the server's Content-Type
// and same-origin checks pass. Errors are shown through hooks.error; a 401
// sends the curator back to the login panel through hooks.unauthorized.

export const hooks = { error: () => {}, unauthorized: () => {} };

// api calls /api/PATH and answers the decoded JSON, or null on any failure
// (already reported). quiet lists statuses the caller handles itself.
export async function api(path, method = "GET", body, quiet = []) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body === undefined ? {} : body);
  }
  let r;
  try {
    r = await fetch("/api/" + path, opts);
  } catch (e) {
    hooks.error(String(e.message || e));
    return null;
  }
  const data = await r.json().catch(() => null);
  if (r.ok) return data ?? {};
  if (quiet.includes(r.status)) return null;
  if (r.status === 401) hooks.unauthorized();
  else hooks.error((data && data.error) || r.statusText);
  return null;
}
