package review

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzConsoleForm sends the console's decision form and list filters
// whatever a signed-in moderator's browser (or a forged one) could send:
// the console must answer every request without a server error, and
// nothing but a known outcome may decide the case.
func FuzzConsoleForm(f *testing.F) {
	for _, seed := range []struct{ form, query string }{
		{"outcome=scam&type=refund_scam", "status=open"},
		{"outcome=legit", "level=scam&type=x&lang=zh&from=2024-01-01&to=2024-13-40"},
		{"outcome=skip&type=%00%ff", "status=%E4%BD%A0"},
		{"outcome=scam&outcome=legit&type=" + strings.Repeat("a", 300), "from=not-a-date"},
		{"%zz=1&&&=", "lang=<script>"},
	} {
		f.Add(seed.form, seed.query)
	}
	console, q, _, server := consoleServer(f, nil)
	ctx := context.Background()
	id, err := q.Draft(ctx, scamCase(1))
	if err != nil {
		f.Fatal(err)
	}
	if _, err := q.Submit(ctx, 1, id, ReasonAskHuman); err != nil {
		f.Fatal(err)
	}
	client := signedInClient(f, console, modA)
	page, err := client.Get(server.URL + Path + "/case/" + id)
	if err != nil {
		f.Fatal(err)
	}
	token := between(readAll(f, page), `name="csrf" value="`, `"`)
	if token == "" {
		f.Fatal("the case page has no CSRF token")
	}
	f.Fuzz(func(t *testing.T, form, query string) {
		body := "csrf=" + url.QueryEscape(token) + "&" + form
		resp, err := client.Post(server.URL+Path+"/case/"+id+"/decide", "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("decide form %q: %s", form, resp.Status)
		}
		values, _ := url.ParseQuery(form)
		if resp.StatusCode == http.StatusSeeOther {
			switch Outcome(values.Get("outcome")) {
			case OutcomeScam, OutcomeLegit, OutcomeSkip:
			default:
				t.Fatalf("decide form %q without a known outcome was accepted", form)
			}
		}
		// The query goes on the wire as it is ('#', '%' and spaces
		// included), as a hand-made request could send it.
		target, _ := url.Parse(server.URL + Path + "/")
		target.RawQuery = query
		list, err := client.Do(&http.Request{Method: http.MethodGet, URL: target, Header: http.Header{}})
		if err != nil {
			return // not even sendable: nothing reached the console
		}
		list.Body.Close()
		if list.StatusCode >= 500 {
			t.Fatalf("list with query %q: %s", query, list.Status)
		}
	})
}
