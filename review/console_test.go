package review

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scamguard/scamguard/internal/browsertest"
	"github.com/scamguard/scamguard/store"
)

// consoleServer starts the console over a fresh queue on loopback.
func consoleServer(t testing.TB, onDecision func(context.Context, Case)) (*Console, *Queue, *store.Store, *httptest.Server) {
	t.Helper()
	st := openStore(t)
	q := newQueue(t, st)
	console := NewConsole(q, ConsoleConfig{OnDecision: onDecision})
	mux := http.NewServeMux()
	mux.Handle(Path+"/", console)
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	console.cfg.BaseURL = server.URL
	return console, q, st, server
}

// signedInClient follows a sign-in link for moderator with a cookie jar,
// as a browser would.
func signedInClient(t testing.TB, console *Console, moderator int64) *http.Client {
	t.Helper()
	return signedInClientIn(t, console, moderator, "en")
}

func TestConsoleRefusesStrangers(t *testing.T) {
	console, _, _, server := consoleServer(t, nil)
	if _, err := console.LoginLink(context.Background(), stranger, "en"); err == nil {
		t.Error("LoginLink issued a link to a non-moderator")
	}
	// A link signed with the console's key for someone off the list (a
	// moderator removed after the link was sent).
	payload := "666.9999999999.nonce666"
	console.queue.db.SaveLoginNonce(context.Background(), "nonce666", stranger, time.Minute)
	forged := server.URL + Path + "/login?token=" + url.QueryEscape(payload+"."+console.sign(payload))
	for _, tc := range []struct{ name, url string }{
		{"no session", server.URL + Path + "/"},
		{"no session, case page", server.URL + Path + "/case/abc"},
		{"no session, stats", server.URL + Path + "/stats"},
		{"bad signature", server.URL + Path + "/login?token=1001.9999999999.x.AAAA"},
		{"non-moderator's link", forged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %s; want 403", tc.url, resp.Status)
			}
		})
	}
}

func TestConsoleSignInOnceAndCookie(t *testing.T) {
	console, _, _, _ := consoleServer(t, nil)
	link, err := console.LoginLink(context.Background(), modA, "en")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Secure {
		t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Strict, not Secure over plain HTTP", cookie)
	}
	again, _ := http.Get(link)
	again.Body.Close()
	if again.StatusCode != http.StatusForbidden {
		t.Errorf("second use of a sign-in link: %s; want 403", again.Status)
	}
	// Behind a TLS proxy the cookie is Secure.
	link, _ = console.LoginLink(context.Background(), modA, "en")
	req, _ := http.NewRequest(http.MethodGet, link, nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && !c.Secure {
			t.Error("cookie set behind https is not Secure")
		}
	}
}

func TestConsoleCSRF(t *testing.T) {
	var decided []Case
	console, q, _, server := consoleServer(t, func(_ context.Context, c Case) { decided = append(decided, c) })
	ctx := context.Background()
	id, _ := q.Draft(ctx, scamCase(1))
	q.Submit(ctx, 1, id, ReasonAskHuman)
	client := signedInClient(t, console, modA)

	decideURL := server.URL + Path + "/case/" + id + "/decide"
	for _, token := range []string{"", "wrong"} {
		resp, err := client.PostForm(decideURL, url.Values{"outcome": {"scam"}, "csrf": {token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST with CSRF token %q: %s; want 403", token, resp.Status)
		}
	}
	if c, _ := q.Case(ctx, id); c.Status != StatusOpen || len(decided) != 0 {
		t.Fatalf("a forged POST decided the case: %s", c.Status)
	}
	page, err := client.Get(server.URL + Path + "/case/" + id)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, page)
	token := between(body, `name="csrf" value="`, `"`)
	if token == "" {
		t.Fatal("the case page has no CSRF token")
	}
	if !strings.Contains(body, "<mark>屏幕共享</mark>") {
		t.Error("the matched phrase is not highlighted")
	}
	resp, err := client.PostForm(decideURL, url.Values{"outcome": {"legit"}, "csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST with the session's token: %s; want 303", resp.Status)
	}
	if c, _ := q.Case(ctx, id); c.Status != StatusDismissed || len(decided) != 1 || decided[0].ID != id {
		t.Errorf("after a valid POST: status %s, OnDecision calls %d", c.Status, len(decided))
	}
}

func TestConsoleEscapesText(t *testing.T) {
	console, q, _, server := consoleServer(t, nil)
	ctx := context.Background()
	c := scamCase(1)
	c.Transcript[0].Text = `<script>alert(1)</script> 屏幕共享`
	id, _ := q.Draft(ctx, c)
	q.Submit(ctx, 1, id, ReasonAskHuman)
	client := signedInClient(t, console, modA)
	resp, err := client.Get(server.URL + Path + "/case/" + id)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); strings.Contains(body, "<script>alert") {
		t.Error("message text reached the page unescaped")
	}
}

// TestConsoleSaysWhatTheTranscriptLacks checks that a case built after
// earlier messages left the conversation's window says how many.
func TestConsoleSaysWhatTheTranscriptLacks(t *testing.T) {
	console, q, _, server := consoleServer(t, nil)
	ctx := context.Background()
	c := scamCase(1)
	c.ID, c.Earlier = NewCaseID(1), 3
	if _, err := q.SubmitCase(ctx, c, ReasonAskHuman); err != nil {
		t.Fatal(err)
	}
	client := signedInClient(t, console, modA)
	resp, err := client.Get(server.URL + Path + "/case/" + c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); !strings.Contains(between(body, `<p id="earlier">`, "</p>"), "3 ") {
		t.Errorf("the case page does not say that 3 earlier messages are not shown:\n%.2000s", body)
	}
}

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	value, _, _ := strings.Cut(after, end)
	return value
}

// TestConsoleInBrowser drives headless Chromium through sign-in, the list,
// a case page and a decision, and checks the decision landed in Redis and
// reached the bot's hook (which edits the moderators' card).
func TestConsoleInBrowser(t *testing.T) {
	var mu sync.Mutex
	var hooked []Case
	console, q, _, _ := consoleServer(t, func(_ context.Context, c Case) {
		mu.Lock()
		defer mu.Unlock()
		hooked = append(hooked, c)
	})
	ctx := context.Background()
	id, _ := q.Draft(ctx, scamCase(1))
	q.Submit(ctx, 1, id, ReasonFlagged)
	q.SetCard(ctx, id, -100777, 42)
	link, err := console.LoginLink(ctx, modA, "en")
	if err != nil {
		t.Fatal(err)
	}

	browser := browsertest.New(t)

	// The sign-in page refreshes to the list.
	if err := chromedp.Do(browser, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("a.case-link"))); err != nil {
		t.Fatalf("browser: sign in and list: %v", err)
	}
	listed, err := chromedp.Run(browser, chromedp.OuterHTML(chromedp.CSS("table")))
	if err != nil {
		t.Fatalf("browser: read the list: %v", err)
	}
	err = chromedp.Do(browser,
		chromedp.Click(chromedp.CSS("a.case-link")),
		chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")),
	)
	if err != nil {
		t.Fatalf("browser: open the case and confirm: %v", err)
	}
	// The decision posts, redirects and shows the case page again, decided.
	if err := chromedp.Do(browser, chromedp.WaitVisible(chromedp.ID("decided"))); err != nil {
		t.Fatalf("browser: wait for the decided case page: %v", err)
	}
	status, err := chromedp.Run(browser, chromedp.Text(chromedp.ID("status")))
	if err != nil {
		t.Fatalf("browser: read the status: %v", err)
	}
	code, err := chromedp.Run(browser, chromedp.AttributeValue(chromedp.ID("status"), "data-status"))
	if err != nil {
		t.Fatalf("browser: read the status: %v", err)
	}
	if !strings.Contains(listed, id) {
		t.Errorf("the list does not show case %s: %q", id, listed)
	}
	c, err := q.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if status != "confirmed scam" || code.Value != "confirmed" || c.Status != StatusConfirmed || c.Decision == nil || c.Decision.By != modA {
		t.Errorf("page status %q, stored status %s, decision %+v; want confirmed by %d", status, c.Status, c.Decision, modA)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hooked) != 1 || hooked[0].ID != id || hooked[0].Card == nil || hooked[0].Card.Message != 42 {
		t.Errorf("OnDecision got %+v; want one call with the case and its card", hooked)
	}
}
