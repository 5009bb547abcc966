package review

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scamguard/scamguard/catalog"
)

// Path is where the console is mounted: mux.Handle(review.Path+"/", console).
const Path = "/review"

// sessionCookie names the console's session cookie; langCookie the
// moderator's language (zh or en), set from the sign-in link (their
// Telegram language) and the console's language switch.
const (
	sessionCookie = "sg_review"
	langCookie    = "sg_lang"
)

// ConsoleConfig configures the web console; zero fields mean defaults.
type ConsoleConfig struct {
	// BaseURL is the console's public origin for sign-in links
	// ("https://mod.example.org"), without Path.
	BaseURL string
	// Secret signs sign-in links (HMAC-SHA256); random when empty.
	Secret []byte
	// LinkTTL is how long a sign-in link works (default 5 minutes).
	LinkTTL time.Duration
	// SessionTTL is how long a session lasts (default 12 hours).
	SessionTTL time.Duration
	// ScamTypes are the slugs offered when confirming (default: the catalog's).
	ScamTypes []string
	// OnDecision is called after every decision taken in the console, with
	// the decided case: the bot edits the moderators' card and sends the
	// user's follow-up (ClaimFollowUp first) from here.
	OnDecision func(ctx context.Context, c Case)
	// Log receives refusals and errors (never message text).
	Log *slog.Logger
}

// Console is the moderators' web console, an http.Handler for Path+"/".
type Console struct {
	queue *Queue
	cfg   ConsoleConfig
	mux   *http.ServeMux
	// pages are the templates per moderators' language (ModLangZh,
	// ModLangEn), their functions naming codes in that language.
	pages map[string]*template.Template
	cat   *catalog.Catalog
}

//go:embed console.html
var consoleFS embed.FS

// NewConsole returns the console over q.
func NewConsole(q *Queue, cfg ConsoleConfig) *Console {
	if len(cfg.Secret) == 0 {
		cfg.Secret = make([]byte, 32)
		_, _ = rand.Read(cfg.Secret)
	}
	if cfg.LinkTTL <= 0 {
		cfg.LinkTTL = 5 * time.Minute
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	cat := catalog.MustLoad() // embedded and checked by its tests
	if cfg.ScamTypes == nil {
		for _, t := range cat.ScamTypes() {
			cfg.ScamTypes = append(cfg.ScamTypes, t.Slug)
		}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	c := &Console{queue: q, cfg: cfg, mux: http.NewServeMux(), cat: cat, pages: map[string]*template.Template{}}
	for _, lang := range []string{ModLangZh, ModLangEn} {
		c.pages[lang] = template.Must(template.New("").Funcs(pageFuncs(ModTextsIn(lang), cat)).ParseFS(consoleFS, "console.html"))
	}
	c.mux.HandleFunc("GET "+Path+"/login", c.login)
	c.mux.HandleFunc("GET "+Path+"/lang", c.switchLang)
	c.mux.HandleFunc("GET "+Path+"/{$}", c.moderator(c.list))
	c.mux.HandleFunc("GET "+Path+"/case/{id}", c.moderator(c.casePage))
	c.mux.HandleFunc("POST "+Path+"/case/{id}/decide", c.moderator(c.csrf(c.decide)))
	c.mux.HandleFunc("GET "+Path+"/stats", c.moderator(c.stats))
	c.mux.HandleFunc("POST "+Path+"/logout", c.moderator(c.csrf(c.logout)))
	return c
}

// ServeHTTP serves the console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	// frame-ancestors covers current browsers; X-Frame-Options the ones
	// that ignore CSP, so that no page can frame the decision forms.
	w.Header().Set("X-Frame-Options", "DENY")
	if overTLS(r) {
		// Only over HTTPS: HSTS sent over plain HTTP is ignored, and on a
		// test or LAN setup without TLS it would lock the host out.
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.mux.ServeHTTP(w, r)
}

// LoginLink returns a one-time sign-in link for moderator, valid for
// LinkTTL: the bot sends it in reply to /console. lang is the moderator's
// Telegram language: the console opens in it (zh or en).
func (c *Console) LoginLink(ctx context.Context, moderator int64, lang string) (string, error) {
	if !c.queue.cfg.Moderators.Allowed(moderator) {
		return "", ErrNotModerator
	}
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	nonceText := base64.RawURLEncoding.EncodeToString(nonce[:])
	expires := time.Now().Add(c.cfg.LinkTTL).Unix()
	payload := strconv.FormatInt(moderator, 10) + "." + strconv.FormatInt(expires, 10) + "." + nonceText
	if err := c.queue.db.SaveLoginNonce(ctx, nonceText, moderator, c.cfg.LinkTTL); err != nil {
		return "", err
	}
	token := payload + "." + c.sign(payload)
	return c.cfg.BaseURL + Path + "/login?token=" + url.QueryEscape(token) + "&lang=" + ModLang(lang), nil
}

func (c *Console) sign(payload string) string {
	mac := hmac.New(sha256.New, c.cfg.Secret)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// login checks a sign-in link (signature, expiry, not used before, still a
// moderator) and starts a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(r.URL.Query().Get("token"), ".")
	if len(parts) != 4 || !hmac.Equal([]byte(c.sign(strings.Join(parts[:3], "."))), []byte(parts[3])) {
		c.refuse(w, r, 0, "bad sign-in link")
		return
	}
	moderator, err1 := strconv.ParseInt(parts[0], 10, 64)
	expires, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || time.Now().Unix() > expires {
		c.refuse(w, r, moderator, "expired sign-in link")
		return
	}
	issuedTo, ok, err := c.queue.db.ConsumeLoginNonce(r.Context(), parts[2])
	if err != nil {
		c.fail(w, r, "use sign-in link", err)
		return
	}
	if !ok || issuedTo != moderator {
		c.refuse(w, r, moderator, "sign-in link used already")
		return
	}
	if !c.queue.cfg.Moderators.Allowed(moderator) {
		c.refuse(w, r, moderator, "not a moderator")
		return
	}
	session, csrf := randomToken(), randomToken()
	if err := c.queue.db.SaveSession(r.Context(), session, moderator, csrf, c.cfg.SessionTTL); err != nil {
		c.fail(w, r, "start session", err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: session, Path: Path, MaxAge: int(c.cfg.SessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overTLS(r),
	})
	lang := ModLang(r.URL.Query().Get("lang"))
	c.setLang(w, r, lang)
	// A page, not a redirect: a SameSite=Strict cookie set on a page
	// reached from Telegram is not sent on the redirect that follows it,
	// but is on the next same-site navigation.
	c.render(w, "signedin", pageData{Lang: lang})
}

// overTLS reports whether the request came over HTTPS, directly or through
// a proxy that says so.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// randomToken is a session or CSRF token: crypto/rand.Text, 128 bits.
func randomToken() string { return rand.Text() }

type sessionKey struct{}

type session struct {
	moderator int64
	csrf      string
	token     string
}

// moderator lets only a signed-in moderator through; everyone else gets 403.
func (c *Console) moderator(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cookie, err := r.Cookie(sessionCookie)
		if err != nil {
			c.refuse(w, r, 0, "no session")
			return
		}
		moderator, csrf, ok, err := c.queue.db.Session(r.Context(), cookie.Value)
		if err != nil {
			c.fail(w, r, "read session", err)
			return
		}
		if !ok || !c.queue.cfg.Moderators.Allowed(moderator) {
			c.refuse(w, r, moderator, "not a moderator's session")
			return
		}
		ctx := context.WithValue(r.Context(), sessionKey{}, session{moderator, csrf, cookie.Value})
		next(w, r.WithContext(ctx))
	}
}

// csrf checks the form's token against the session's on every POST.
func (c *Console) csrf(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := r.Context().Value(sessionKey{}).(session)
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
			c.refuse(w, r, s.moderator, "bad CSRF token")
			return
		}
		next(w, r)
	}
}

// refuse answers 403 and logs who tried what (no message text).
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, user int64, why string) {
	c.cfg.Log.Warn("review console refused a request", "why", why, "user", user, "method", r.Method, "path", r.URL.Path)
	w.WriteHeader(http.StatusForbidden)
	c.render(w, "forbidden", pageData{Lang: langOf(r)})
}

// fail logs what failed and tells the moderator, in their language, only
// that it did: an error's text is for the log.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, doing string, err error) {
	c.cfg.Log.Error("review console", "doing", doing, "err", err)
	http.Error(w, ModTextsIn(langOf(r)).Console.ErrInternal, http.StatusInternalServerError)
}

// langOf is the moderator's language: the console's cookie (from the
// sign-in link or the switch), else the browser's first language.
func langOf(r *http.Request) string {
	if cookie, err := r.Cookie(langCookie); err == nil {
		return ModLang(cookie.Value)
	}
	return ModLang(r.Header.Get("Accept-Language"))
}

// setLang keeps the moderator's language in a cookie for the session's
// lifetime.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: ModLang(lang), Path: Path, MaxAge: int(c.cfg.SessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
}

// switchLang is the console's language switch: it keeps the choice and
// goes back to the case list.
func (c *Console) switchLang(w http.ResponseWriter, r *http.Request) {
	c.setLang(w, r, r.URL.Query().Get("to"))
	http.Redirect(w, r, Path+"/", http.StatusSeeOther)
}

// pageData is what every page template reads.
type pageData struct {
	// Lang is the moderator's language (ModLangZh or ModLangEn); T its
	// console texts, set by render.
	Lang      string
	T         ConsoleTexts
	Moderator int64
	CSRF      string
	Filter    listFilter
	Cases     []Case
	Case      *caseView
	Stats     *Stats
	Statuses  []Status
	Levels    []string
	Types     []string
	Langs     []string
}

type listFilter struct{ Status, Level, Type, Lang, From, To string }

func (c *Console) page(r *http.Request) pageData {
	s := r.Context().Value(sessionKey{}).(session)
	return pageData{
		Lang: langOf(r), Moderator: s.moderator, CSRF: s.csrf,
		Statuses: []Status{StatusOpen, StatusConfirmed, StatusDismissed, StatusSkipped},
		Levels:   []string{"scam", "suspicious", "none"}, Types: c.cfg.ScamTypes, Langs: []string{"zh", "zh-Hant", "en"},
	}
}

func (c *Console) render(w http.ResponseWriter, name string, data pageData) {
	data.Lang = ModLang(data.Lang)
	data.T = ModTextsIn(data.Lang).Console
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := c.pages[data.Lang].ExecuteTemplate(w, name, data); err != nil {
		c.cfg.Log.Error("review console: render", "page", name, "err", err)
	}
}

func (c *Console) list(w http.ResponseWriter, r *http.Request) {
	data := c.page(r)
	query := r.URL.Query()
	data.Filter = listFilter{query.Get("status"), query.Get("level"), query.Get("type"), query.Get("lang"), query.Get("from"), query.Get("to")}
	f := Filter{Status: Status(data.Filter.Status), Level: data.Filter.Level, Type: data.Filter.Type, Lang: data.Filter.Lang}
	if day, err := time.Parse(time.DateOnly, data.Filter.From); err == nil {
		f.From = day
	}
	if day, err := time.Parse(time.DateOnly, data.Filter.To); err == nil {
		f.To = day.Add(24 * time.Hour)
	}
	cases, err := c.queue.List(r.Context(), f)
	if err != nil {
		c.fail(w, r, "list cases", err)
		return
	}
	data.Cases = cases
	c.render(w, "list", data)
}

// caseView is a case laid out for its page.
type caseView struct {
	Case
	Messages []messageView
	Timeline []timelineEntry
	// Reply is the reply the user got, formatted as Telegram showed it.
	Reply []previewSpan
}

type messageView struct {
	From     string
	Time     time.Time
	Segments []segment
}

// segment is a piece of a message; Hit pieces are highlighted. Splitting
// in Go and letting html/template escape each piece keeps every byte of
// the scammer's text escaped.
type segment struct {
	Text string
	Hit  bool
}

type timelineEntry struct {
	At    time.Time
	Label string
}

func (c *Console) casePage(w http.ResponseWriter, r *http.Request) {
	cs, err := c.queue.Case(r.Context(), r.PathValue("id"))
	if errors.Is(err, ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		c.fail(w, r, "read case", err)
		return
	}
	data := c.page(r)
	data.Case = viewOf(cs, ModTextsIn(data.Lang))
	c.render(w, "case", data)
}

func viewOf(cs Case, t ModTexts) *caseView {
	v := &caseView{Case: cs, Reply: previewOf(cs.Reply)}
	matches := map[int][]string{}
	for _, s := range cs.Verdict.Signals {
		matches[s.MessageIndex] = append(matches[s.MessageIndex], s.Match)
	}
	for i, m := range cs.Transcript {
		v.Messages = append(v.Messages, messageView{From: m.From, Time: m.Time, Segments: highlight(m.Text, matches[i])})
	}
	tt := t.Console
	v.Timeline = append(v.Timeline, timelineEntry{cs.Created, fmt.Sprintf(tt.TLReplied, Name(t.Levels, cs.Verdict.Level))})
	seen := map[string]bool{}
	for _, s := range cs.Verdict.Signals {
		if s.MessageIndex < 0 || s.MessageIndex >= len(cs.Transcript) || seen[s.Role] {
			continue
		}
		seen[s.Role] = true
		v.Timeline = append(v.Timeline, timelineEntry{cs.Transcript[s.MessageIndex].Time,
			fmt.Sprintf(tt.TLSignal, s.MessageIndex+1, Name(t.Roles, s.Role))})
	}
	if !cs.Queued.IsZero() {
		v.Timeline = append(v.Timeline, timelineEntry{cs.Queued, fmt.Sprintf(tt.TLQueued, t.Names(t.Reasons, cs.Reasons))})
	}
	if d := cs.Decision; d != nil {
		v.Timeline = append(v.Timeline, timelineEntry{d.At, fmt.Sprintf(tt.TLDecided, Name(t.Outcomes, string(d.Outcome)), fmt.Sprintf(t.Card.Moderator, d.By))})
	}
	return v
}

// highlight splits text at every occurrence of the matches.
func highlight(text string, matches []string) []segment {
	hit := make([]bool, len(text))
	for _, m := range matches {
		if m == "" {
			continue
		}
		for from := 0; ; {
			i := strings.Index(text[from:], m)
			if i < 0 {
				break
			}
			for j := from + i; j < from+i+len(m); j++ {
				hit[j] = true
			}
			from += i + len(m)
		}
	}
	var segments []segment
	start := 0
	for i := 1; i <= len(text); i++ {
		if i == len(text) || hit[i] != hit[start] {
			segments = append(segments, segment{text[start:i], hit[start]})
			start = i
		}
	}
	return segments
}

func (c *Console) decide(w http.ResponseWriter, r *http.Request) {
	s := r.Context().Value(sessionKey{}).(session)
	id := r.PathValue("id")
	d := Decision{By: s.moderator, Outcome: Outcome(r.PostFormValue("outcome")), Type: r.PostFormValue("type")}
	if _, ok := d.Outcome.status(); !ok {
		http.Error(w, ModTextsIn(langOf(r)).Console.ErrOutcome, http.StatusBadRequest)
		return
	}
	if d.Type != "" && !containsString(c.cfg.ScamTypes, d.Type) {
		http.Error(w, ModTextsIn(langOf(r)).Console.ErrType, http.StatusBadRequest)
		return
	}
	cs, err := c.queue.Decide(r.Context(), id, d)
	switch {
	case errors.Is(err, ErrNotFound):
		http.NotFound(w, r)
		return
	case err != nil:
		c.fail(w, r, "decide case", err)
		return
	}
	if c.cfg.OnDecision != nil {
		c.cfg.OnDecision(r.Context(), cs)
	}
	http.Redirect(w, r, Path+"/case/"+url.PathEscape(id), http.StatusSeeOther)
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (c *Console) stats(w http.ResponseWriter, r *http.Request) {
	st, err := c.queue.Stats(r.Context(), time.Time{})
	if err != nil {
		c.fail(w, r, "compute stats", err)
		return
	}
	data := c.page(r)
	data.Stats = &st
	c.render(w, "stats", data)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	s := r.Context().Value(sessionKey{}).(session)
	if err := c.queue.db.DeleteSession(r.Context(), s.token); err != nil {
		c.fail(w, r, "end session", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: Path, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overTLS(r)})
	c.render(w, "forbidden", pageData{Lang: langOf(r)})
}

// pageFuncs are the templates' functions for one language: each names a
// code a case stores (level, status, type…) for moderators.
func pageFuncs(t ModTexts, cat *catalog.Catalog) template.FuncMap {
	return template.FuncMap{
		"percent":   func(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" },
		"when":      when,
		"add":       func(a, b int) int { return a + b },
		"level":     func(code string) string { return Name(t.Levels, code) },
		"status":    func(code string) string { return Name(t.Statuses, code) },
		"outcome":   func(code string) string { return Name(t.Outcomes, code) },
		"stage":     func(code string) string { return Name(t.Stages, code) },
		"language":  func(code string) string { return Name(t.Languages, code) },
		"speaker":   func(code string) string { return Name(t.Speakers, code) },
		"reasons":   func(codes []string) string { return t.Names(t.Reasons, codes) },
		"engines":   func(codes []string) string { return t.Names(t.Engines, codes) },
		"typeName":  func(slug string) string { return t.TypeName(cat, slug) },
		"brandName": func(id string) string { return t.BrandName(cat, id) },
		"moderator": func(id int64) string { return fmt.Sprintf(t.Card.Moderator, id) },
	}
}

// when writes a time for moderators, in UTC; nothing for no time (a case
// not queued yet).
func when(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	return at.UTC().Format("2006-01-02 15:04") + " UTC"
}
