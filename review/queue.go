// Package review is the moderators' side of scamguard: flagged
// conversations become cases on a Redis Stream, moderators decide them in
// Telegram or in the web console, and decisions flow back to users (a
// follow-up when the bot was wrong) and into detection (fingerprints of
// confirmed scripts, see KnownScam, KnownLegit and Apply).
//
// The package knows nothing of Telegram: the bot names a case with
// NewCaseID when it replies and queues it with SubmitCase when the user
// asks for a review (it keeps what the case is built from: its answer and
// the conversation's window), Submit and Feedback on a case already
// queued (or drafted by Draft, as the bot did before), Next and Decide for
// moderators, and ClaimFollowUp before it sends the user a follow-up.
// Its keys (cases, the stream, console sessions, fingerprints) are its
// own, on the Redis connection package store opens (storage.go).
package review

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/review/fingerprint"
	"github.com/scamguard/scamguard/store"
)

// Config configures a Queue; the zero value of a field means its default.
type Config struct {
	// Moderators may decide cases; Decide refuses anyone else.
	Moderators Moderators
	// ClaimIdle is how long a case may sit undecided with one moderator
	// before Next hands it to another (default 15 minutes).
	ClaimIdle time.Duration
	// Now is the clock (time.Now by default; tests set it).
	Now func() time.Time
	// QueueMax caps the review stream, approximately (XADD MAXLEN ~;
	// default 10,000 entries).
	QueueMax int64
	// AnswerWithin is how long a user who asked a human waits for a
	// moderator's decision before Unanswered hands the case back, so the
	// bot tells them (default DefaultAnswerWithin).
	AnswerWithin time.Duration
}

// Queue is the review queue. It is safe for concurrent use.
type Queue struct {
	db  *storage
	cfg Config
}

// New returns the queue over st's Redis (its connection, prefix and bound
// on one call); a draft lives as long as st keeps a conversation.
func New(st *store.Store, cfg Config) *Queue {
	if cfg.ClaimIdle <= 0 {
		cfg.ClaimIdle = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.QueueMax <= 0 {
		cfg.QueueMax = defaultQueueMax
	}
	if cfg.AnswerWithin <= 0 {
		cfg.AnswerWithin = DefaultAnswerWithin
	}
	return &Queue{db: &storage{Keyspace: st.Keyspace(), draftTTL: st.TTL(), queueMax: cfg.QueueMax}, cfg: cfg}
}

// Moderators returns the allow-list the queue was built with.
func (q *Queue) Moderators() Moderators { return q.cfg.Moderators }

// ErrNotModerator is returned when someone off the allow-list decides.
var ErrNotModerator = errors.New("not a moderator")

// Draft stores c (its texts redacted again) so that a later button press
// can queue it; it lives as long as the conversation. It returns the case
// id (c.ID, or a new one when empty). The bot no longer drafts (a draft
// per reply copied the conversation each time: SubmitCase builds the case
// when it is asked for); drafts stored before are still read and queued,
// and a caller that keeps nothing else of a reply may still draft it.
func (q *Queue) Draft(ctx context.Context, c Case) (string, error) {
	if c.ID == "" {
		c.ID = newID()
		if c.Chat != 0 {
			// The chat in the id keeps the draft under the chat's hash
			// tag until it is queued (storage.go, draftChat).
			c.ID += "_" + strconv.FormatInt(c.Chat, 10)
		}
	}
	if c.Created.IsZero() {
		c.Created = q.cfg.Now()
	}
	c = c.redacted()
	c.Status, c.Reasons, c.Decision, c.Card, c.FollowUpSent, c.Queued = StatusDraft, nil, nil, nil, false, time.Time{}
	doc, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode case %s: %w", c.ID, err)
	}
	err = q.db.DraftCase(ctx, record{
		ID: c.ID, Chat: c.Chat, Doc: doc, Level: c.Verdict.Level, Type: c.Verdict.Type, Lang: c.Language,
		Created: c.Created, Feedback: c.Feedback,
	})
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// NewCaseID returns a new case id for a reply in chat, for a case that
// SubmitCase may queue later: random, and naming its chat as the ids of
// drafts do (storage.go, draftChat).
func NewCaseID(chat int64) string {
	if chat == 0 {
		return newID()
	}
	return newID() + "_" + strconv.FormatInt(chat, 10)
}

// CaseChat is the chat a case id names (NewCaseID), 0 for an id that
// names none.
func CaseChat(id string) int64 { return draftChat(id) }

// SubmitCase queues c (its texts redacted again) for reason, creating it
// under c.ID unless a case with that id exists, when it only adds the
// reason (as Submit). The caller keeps what a case is built from (the
// bot: its answer and the conversation's window) instead of a draft, and
// builds c when the user asks for a review. Queued is true only for the
// call that put it on the queue.
func (q *Queue) SubmitCase(ctx context.Context, c Case, reason string) (queued bool, err error) {
	switch reason {
	case ReasonFlagged, ReasonAskHuman, ReasonWrong:
	default:
		return false, fmt.Errorf("submit case %s: unknown reason %q", c.ID, reason)
	}
	if c.Created.IsZero() {
		c.Created = q.cfg.Now()
	}
	c = c.redacted()
	c.Status, c.Reasons, c.Decision, c.Card, c.FollowUpSent, c.Queued = StatusDraft, nil, nil, nil, false, time.Time{}
	doc, err := json.Marshal(c)
	if err != nil {
		return false, fmt.Errorf("encode case %s: %w", c.ID, err)
	}
	now := q.cfg.Now()
	queued, err = q.db.QueueNewCase(ctx, record{
		ID: c.ID, Chat: c.Chat, Doc: doc, Level: c.Verdict.Level, Type: c.Verdict.Type, Lang: c.Language,
		Created: c.Created, Feedback: c.Feedback,
	}, reason, now)
	if err == nil && reason == ReasonAskHuman {
		err = q.db.ScheduleAnswer(ctx, c.ID, now.Add(q.cfg.AnswerWithin))
	}
	return queued, err
}

// newID is 12 random hex characters: unguessable enough that a case id in a
// URL or callback reveals nothing, short enough for callback data.
func newID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Submit queues case id for moderators for reason (Reason*). Queued is
// true only for the call that put it on the queue: pressing "ask a human"
// twice queues it once (post the moderators' card only when queued).
// Asking a human also puts the case on the due-set (see unanswered.go),
// so the user hears back even when no moderator decides in time.
// ErrNotFound when the draft expired or was forgotten.
func (q *Queue) Submit(ctx context.Context, chat int64, id, reason string) (queued bool, err error) {
	switch reason {
	case ReasonFlagged, ReasonAskHuman, ReasonWrong:
	default:
		return false, fmt.Errorf("submit case %s: unknown reason %q", id, reason)
	}
	now := q.cfg.Now()
	queued, err = q.db.QueueCase(ctx, chat, id, reason, now)
	if err == nil && reason == ReasonAskHuman {
		err = q.db.ScheduleAnswer(ctx, id, now.Add(q.cfg.AnswerWithin))
	}
	return queued, err
}

// Feedback records the user's 👍 (helpful) or 👎; a 👎 also queues the case
// (ReasonWrong), and queued says whether this call queued it.
func (q *Queue) Feedback(ctx context.Context, chat int64, id string, helpful bool) (queued bool, err error) {
	value := "helpful"
	if !helpful {
		value = "unhelpful"
	}
	if err := q.db.SetCaseFeedback(ctx, id, value); err != nil {
		return false, err
	}
	if helpful {
		return false, nil
	}
	return q.Submit(ctx, chat, id, ReasonWrong)
}

// Case returns one case.
func (q *Queue) Case(ctx context.Context, id string) (Case, error) {
	rec, err := q.db.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	return caseOf(rec)
}

// caseOf rebuilds a Case from its stored document and the fields the store
// keeps up to date (status, reasons, decision, card, follow-up).
func caseOf(rec record) (Case, error) {
	var c Case
	if err := json.Unmarshal(rec.Doc, &c); err != nil {
		return c, fmt.Errorf("decode case %s: %w", rec.ID, err)
	}
	c.ID, c.Chat, c.Status, c.Reasons, c.Feedback = rec.ID, rec.Chat, rec.Status, rec.Reasons, rec.Feedback
	c.Queued, c.FollowUpSent = rec.Queued, rec.FollowUpSent
	if rec.CardMessage != 0 {
		c.Card = &Card{Chat: rec.CardChat, Message: rec.CardMessage}
	}
	c.Decision = nil
	if !rec.DecidedAt.IsZero() {
		d := &Decision{By: rec.DecidedBy, At: rec.DecidedAt, Type: rec.DecidedType}
		switch c.Status {
		case StatusConfirmed:
			d.Outcome = OutcomeScam
		case StatusDismissed:
			d.Outcome = OutcomeLegit
		default:
			d.Outcome = OutcomeSkip
		}
		c.Decision = d
	}
	return c, nil
}

// SetCard records the case's card in the moderators' chat, so a decision
// taken anywhere can edit it.
func (q *Queue) SetCard(ctx context.Context, id string, chat, message int64) error {
	return q.db.SetCaseCard(ctx, id, chat, message)
}

// Next returns the next open case for moderator (their own undecided one
// first, then one a vanished moderator left for ClaimIdle, then a new
// one); ok is false when the queue is empty. The case stays theirs until
// decided or re-claimed.
func (q *Queue) Next(ctx context.Context, moderator int64) (c Case, ok bool, err error) {
	if !q.cfg.Moderators.Allowed(moderator) {
		return c, false, ErrNotModerator
	}
	rec, ok, err := q.db.NextCase(ctx, consumerName(moderator), q.cfg.ClaimIdle)
	if err != nil || !ok {
		return c, false, err
	}
	c, err = caseOf(rec)
	return c, err == nil, err
}

// Reclaim hands every case that sat undecided with some moderator for at
// least minIdle to moderator, and says how many. Next re-claims on its
// own; this is for an operator's sweep.
func (q *Queue) Reclaim(ctx context.Context, moderator int64, minIdle time.Duration) (int, error) {
	return q.db.ReclaimCases(ctx, consumerName(moderator), minIdle)
}

func consumerName(moderator int64) string { return "mod:" + strconv.FormatInt(moderator, 10) }

// Decide stores a moderator's decision and takes the case off the queue,
// in one step, then feeds it to detection: a confirmed scam's script goes
// into the known-scam fingerprints, a dismissed case's into the
// known-legit ones (and a corrected decision takes them out of the other
// set). It returns the case as decided; when c.FollowUpDue(), call
// ClaimFollowUp and send FollowUpText if it says so.
func (q *Queue) Decide(ctx context.Context, id string, d Decision) (Case, error) {
	if !q.cfg.Moderators.Allowed(d.By) {
		return Case{}, ErrNotModerator
	}
	status, ok := d.Outcome.status()
	if !ok {
		return Case{}, fmt.Errorf("decide case %s: unknown outcome %q", id, d.Outcome)
	}
	if d.At.IsZero() {
		d.At = q.cfg.Now()
	}
	current, err := q.db.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	scamType := d.Type
	if d.Outcome != OutcomeScam {
		scamType = ""
	}
	previous, rec, err := q.db.DecideCase(ctx, current.Chat, id, status, d.By, d.At, scamType)
	if err != nil {
		return Case{}, err
	}
	c, err := caseOf(rec)
	if err != nil {
		return c, err
	}
	if err := q.db.Answered(ctx, id); err != nil {
		return c, err
	}
	if err := q.learn(ctx, c, previous, status); err != nil {
		return c, err
	}
	return c, nil
}

// learn moves the case's fingerprints to the set its decision calls for.
func (q *Queue) learn(ctx context.Context, c Case, previous, now Status) error {
	sets := map[Status]string{StatusConfirmed: fingerprintsScam, StatusDismissed: fingerprintsLegit}
	sigs := fingerprint.Fingerprint(c.otherTexts())
	encoded := make([]string, len(sigs))
	bands := make([][]string, len(sigs))
	for i, sig := range sigs {
		encoded[i], bands[i] = sig.String(), sig.Bands()
	}
	if set, ok := sets[previous]; ok && previous != now {
		if err := q.db.RemoveSignatures(ctx, set, c.ID, bands); err != nil {
			return err
		}
	}
	if set, ok := sets[now]; ok && len(sigs) > 0 {
		return q.db.AddSignatures(ctx, set, c.ID, encoded, bands)
	}
	return nil
}

// ClaimFollowUp marks the user's follow-up as sent and reports whether
// this call is the one that must send it: it is true once per case, however
// many decisions and replicas there are.
func (q *Queue) ClaimFollowUp(ctx context.Context, id string) (bool, error) {
	return q.db.MarkFollowUp(ctx, id)
}

// ForgetChat deletes every case of chat, for the user's /forget (beside
// store.Forget, which deletes the conversation).
func (q *Queue) ForgetChat(ctx context.Context, chat int64) (int64, error) {
	return q.db.ForgetChatCases(ctx, chat)
}

// ChatKeys lists the keys held about chat's cases, with what each is for
// (store.ChatRecords: /mydata lists them beside the conversation's).
func (q *Queue) ChatKeys(ctx context.Context, chat int64) ([]store.KeyAbout, error) {
	return q.db.ChatKeys(ctx, chat)
}

// Cards returns where chat's cases were posted as cards in moderators'
// chats, {chat, message} pairs (store.ChatRecords: /forget deletes them).
func (q *Queue) Cards(ctx context.Context, chat int64) ([][2]int64, error) {
	return q.db.Cards(ctx, chat)
}

// Filter selects cases for the console; empty fields select all.
type Filter struct {
	Status Status
	Level  string
	Type   string
	Lang   string
	// From and To bound the queue time; zero From means 90 days back,
	// zero To means now.
	From, To time.Time
	// Limit caps the result (default 100).
	Limit int
}

// scanLimit bounds how many cases one list or stats call reads: the
// console filters in Go, over the newest cases of the date range.
const scanLimit = 5000

// List returns the queued cases that match f, newest first.
func (q *Queue) List(ctx context.Context, f Filter) ([]Case, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	recs, err := q.db.ListCases(ctx, q.from(f.From), q.to(f.To), scanLimit)
	if err != nil {
		return nil, err
	}
	var cases []Case
	for _, rec := range recs {
		if f.Status != "" && rec.Status != f.Status || f.Level != "" && rec.Level != f.Level ||
			f.Lang != "" && rec.Lang != f.Lang || f.Type != "" && rec.Type != f.Type && rec.DecidedType != f.Type {
			continue
		}
		c, err := caseOf(rec)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
		if len(cases) == f.Limit {
			break
		}
	}
	return cases, nil
}

func (q *Queue) from(t time.Time) time.Time {
	if t.IsZero() {
		return q.cfg.Now().Add(-DecidedTTL)
	}
	return t
}

func (q *Queue) to(t time.Time) time.Time {
	if t.IsZero() {
		return q.cfg.Now().Add(time.Second)
	}
	return t
}

// Stats summarises the cases queued since a time.
type Stats struct {
	// Days counts cases per queue day (UTC), oldest first.
	Days []DayStats
	// Open, Confirmed, Dismissed and Skipped count cases by status.
	Open, Confirmed, Dismissed, Skipped int
	// FlaggedConfirmed and FlaggedDismissed count the decided cases where
	// the bot had warned (scam or suspicious): the moderators' judgement
	// of the bot.
	FlaggedConfirmed, FlaggedDismissed int
	// Precision is FlaggedConfirmed / (FlaggedConfirmed+FlaggedDismissed),
	// -1 when nothing flagged was decided yet.
	Precision float64
	// TopTypes are the confirmed scam types, most frequent first.
	TopTypes []TypeCount
}

// DayStats is one day of Stats.Days.
type DayStats struct {
	Day                                   string // 2006-01-02
	Queued, Confirmed, Dismissed, Skipped int
}

// TypeCount is one row of Stats.TopTypes.
type TypeCount struct {
	Type  string
	Count int
}

// Stats computes the statistics of the cases queued since since (zero:
// the last 90 days).
func (q *Queue) Stats(ctx context.Context, since time.Time) (Stats, error) {
	recs, err := q.db.ListCases(ctx, q.from(since), q.to(time.Time{}), scanLimit)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	days := map[string]*DayStats{}
	types := map[string]int{}
	for _, rec := range recs {
		day := rec.Queued.UTC().Format(time.DateOnly)
		d := days[day]
		if d == nil {
			d = &DayStats{Day: day}
			days[day] = d
		}
		d.Queued++
		flagged := rec.Level == string(classifier.LevelScam) || rec.Level == string(classifier.LevelSuspicious)
		switch rec.Status {
		case StatusOpen:
			st.Open++
		case StatusConfirmed:
			st.Confirmed++
			d.Confirmed++
			scamType := rec.DecidedType
			if scamType == "" {
				scamType = rec.Type
			}
			if scamType == "" {
				scamType = "unknown"
			}
			types[scamType]++
			if flagged {
				st.FlaggedConfirmed++
			}
		case StatusDismissed:
			st.Dismissed++
			d.Dismissed++
			if flagged {
				st.FlaggedDismissed++
			}
		case StatusSkipped:
			st.Skipped++
			d.Skipped++
		}
	}
	st.Precision = -1
	if judged := st.FlaggedConfirmed + st.FlaggedDismissed; judged > 0 {
		st.Precision = float64(st.FlaggedConfirmed) / float64(judged)
	}
	for _, d := range days {
		st.Days = append(st.Days, *d)
	}
	sort.Slice(st.Days, func(i, j int) bool { return st.Days[i].Day < st.Days[j].Day })
	for t, n := range types {
		st.TopTypes = append(st.TopTypes, TypeCount{t, n})
	}
	sort.Slice(st.TopTypes, func(i, j int) bool {
		a, b := st.TopTypes[i], st.TopTypes[j]
		return a.Count > b.Count || a.Count == b.Count && a.Type < b.Type
	})
	return st, nil
}

// corpusItem is one line of the evaluation corpus (../shared/data/corpus).
type corpusItem struct {
	ID       string          `json:"id"`
	Lang     string          `json:"lang"`
	Label    string          `json:"label"`
	Type     string          `json:"type"`
	Messages []corpusMessage `json:"messages"`
	Source   string          `json:"source"`
	Tags     []string        `json:"tags,omitempty"`
}

type corpusMessage struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// ExportJSONL writes the decided cases of the last 90 days as JSON Lines
// in the corpus schema (id "review-<case>", label scam for confirmed and
// legit for dismissed, type the catalog slug, lang "zh" or "en", source
// "review", tags the queue reasons), oldest first, and returns how many.
// Texts are redacted; skipped and open cases are left out.
func (q *Queue) ExportJSONL(ctx context.Context, w io.Writer) (int, error) {
	recs, err := q.db.ListCases(ctx, q.from(time.Time{}), q.to(time.Time{}), scanLimit)
	if err != nil {
		return 0, err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	for i := len(recs) - 1; i >= 0; i-- {
		rec := recs[i]
		if status := rec.Status; status != StatusConfirmed && status != StatusDismissed {
			continue
		}
		c, err := caseOf(rec)
		if err != nil {
			return n, err
		}
		item := corpusItem{ID: "review-" + c.ID, Lang: "en", Label: "legit", Source: "review", Tags: c.Reasons}
		if c.Language == "zh" || c.Language == "zh-Hant" {
			item.Lang = "zh"
		}
		if c.Status == StatusConfirmed {
			item.Label, item.Type = "scam", c.FinalType()
		}
		for _, m := range c.Transcript {
			item.Messages = append(item.Messages, corpusMessage{From: m.From, Text: m.Text})
		}
		if err := enc.Encode(item); err != nil {
			return n, fmt.Errorf("export case %s: %w", c.ID, err)
		}
		n++
	}
	return n, nil
}

// KnownScam reports whether the other party's messages in window repeat a
// confirmed scam's script, and which case they repeat. A match needs two
// messages near-identical to two of one case's messages (one when that
// case has a single fingerprinted message): one shared greeting is not a
// script. Pass the other party's texts of the conversation window.
func (q *Queue) KnownScam(ctx context.Context, window []string) (match bool, caseID string, err error) {
	return q.known(ctx, fingerprintsScam, window)
}

// KnownLegit is KnownScam for conversations moderators dismissed.
func (q *Queue) KnownLegit(ctx context.Context, window []string) (match bool, caseID string, err error) {
	return q.known(ctx, fingerprintsLegit, window)
}

func (q *Queue) known(ctx context.Context, set string, window []string) (bool, string, error) {
	sigs := fingerprint.Fingerprint(window)
	if len(sigs) == 0 {
		return false, "", nil
	}
	var bands []string
	for _, sig := range sigs {
		bands = append(bands, sig.Bands()...)
	}
	candidates, err := q.db.SignatureCandidates(ctx, set, bands)
	if err != nil {
		return false, "", err
	}
	type tally struct{ matched, size int }
	cases := map[string]*tally{}
	for _, cand := range candidates {
		stored, err := fingerprint.Parse(cand.Signature)
		if err != nil {
			continue
		}
		for _, sig := range sigs {
			if fingerprint.Near(sig, stored) {
				t := cases[cand.Case]
				if t == nil {
					t = &tally{size: cand.CaseSignatures}
					cases[cand.Case] = t
				}
				t.matched++
				break
			}
		}
	}
	best, bestMatched := "", 0
	for id, t := range cases {
		if t.matched < min(2, t.size) {
			continue
		}
		if t.matched > bestMatched || t.matched == bestMatched && id < best {
			best, bestMatched = id, t.matched
		}
	}
	return best != "", best, nil
}
