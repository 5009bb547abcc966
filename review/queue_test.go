package review

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

const (
	modA, modB, stranger = int64(1001), int64(1002), int64(666)
)

// openStore starts a real redis-server and opens a store on it with a
// prefix of its own.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	server := storetest.StartServer(t)
	cfg := store.DefaultConfig()
	cfg.Addrs = []string{server.Addr}
	cfg.Prefix = fmt.Sprintf("rvtest%d:", rand.Uint32())
	st, err := store.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newQueue(t testing.TB, st *store.Store) *Queue {
	return New(st, Config{Moderators: NewModerators(modA, modB), ClaimIdle: time.Hour})
}

// scamScript is a refund scam as the other party types it; numbers vary
// from victim to victim.
func scamScript(order, qq string) []Message {
	return []Message{
		{From: "other", Text: "您好，我是京东客服，您的订单" + order + "因物流丢件需要理赔，请问是本人吗？"},
		{From: "user", Text: "是我，怎么理赔？"},
		{From: "other", Text: "理赔需要您添加我们的理赔专员QQ " + qq + "，下载会议软件开启屏幕共享，我们指导您操作退款"},
		{From: "user", Text: "好的"},
		{From: "other", Text: "请打开支付宝备用金，把额度转到我们提供的安全账户，核验后连同理赔款一起退还给您"},
	}
}

func scamCase(chat int64) Case {
	return Case{
		Chat: chat, User: chat, Transcript: scamScript("JD20240518339102", "2309883321"),
		Verdict: Verdict{Level: "suspicious", Score: 0.5, Type: "ecommerce_logistics_refund", Engines: []string{"heuristic"},
			Signals: []Signal{{ID: "screen_share", MessageIndex: 2, Match: "屏幕共享", Role: "money_move", Act: "assert"}}},
		Reply: "这可能是诈骗", Language: "zh",
	}
}

func streamLen(t *testing.T, st *store.Store) int64 {
	t.Helper()
	n, err := st.Client().XLen(context.Background(), streamKey(st)).Result()
	if err != nil {
		t.Fatalf("XLEN: %v", err)
	}
	return n
}

func streamKey(st *store.Store) string {
	// The stream key, as storage.go documents it.
	return prefixOf(st) + "{review}:queue"
}

func prefixOf(st *store.Store) string {
	pattern := st.ChatKeyPattern(0)
	return strings.TrimSuffix(pattern, "{c:0}:*")
}

func TestConsentSemantics(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)

	// Consent off: the bot drafts (so a later button can queue) and
	// submits nothing.
	id, err := q.Draft(ctx, scamCase(1))
	if err != nil {
		t.Fatal(err)
	}
	if n := streamLen(t, st); n != 0 {
		t.Fatalf("a draft put %d entries on the queue; want 0", n)
	}
	if _, ok, err := q.Next(ctx, modA); err != nil || ok {
		t.Fatalf("Next = %v, %v; want nothing queued", ok, err)
	}

	// Consent on: queued once, however many times it is submitted.
	for i, reason := range []string{ReasonFlagged, ReasonFlagged, ReasonAskHuman} {
		queued, err := q.Submit(ctx, 1, id, reason)
		if err != nil {
			t.Fatal(err)
		}
		if queued != (i == 0) {
			t.Errorf("submit %d (%s): queued = %v; want %v", i, reason, queued, i == 0)
		}
	}
	if n := streamLen(t, st); n != 1 {
		t.Fatalf("%d entries on the queue; want 1", n)
	}
	c, err := q.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusOpen || strings.Join(c.Reasons, ",") != "flagged_consented,ask_human" {
		t.Errorf("case status %s reasons %v; want open with flagged_consented,ask_human", c.Status, c.Reasons)
	}

	// 👎 on another reply queues it with reason "wrong".
	other, _ := q.Draft(ctx, scamCase(2))
	if queued, err := q.Feedback(ctx, 2, other, false); err != nil || !queued {
		t.Fatalf("Feedback 👎 = %v, %v; want queued", queued, err)
	}
	c, _ = q.Case(ctx, other)
	if c.Feedback != "unhelpful" || len(c.Reasons) != 1 || c.Reasons[0] != ReasonWrong {
		t.Errorf("after 👎: feedback %q reasons %v", c.Feedback, c.Reasons)
	}
	// 👍 queues nothing.
	third, _ := q.Draft(ctx, scamCase(3))
	if queued, err := q.Feedback(ctx, 3, third, true); err != nil || queued {
		t.Fatalf("Feedback 👍 = %v, %v; want not queued", queued, err)
	}

	if _, err := q.Submit(ctx, 9, "nosuchcase", ReasonAskHuman); !errors.Is(err, ErrNotFound) {
		t.Errorf("Submit of a missing case: %v; want ErrNotFound", err)
	}
}

func TestStoredTextIsRedactedAndExpires(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	c := scamCase(5)
	c.Transcript[1].Text = "我的电话是13812345678，卡号6222020200112233445"
	id, err := q.Draft(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	// A draft lives under its chat's hash tag until it is queued.
	key := prefixOf(st) + "{c:5}:case:" + id
	doc, err := st.Client().HGet(ctx, key, "doc").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"13812345678", "6222020200112233445", "2309883321"} {
		if strings.Contains(doc, secret) {
			t.Errorf("stored case holds %s", secret)
		}
	}
	ttl := st.Client().PTTL(ctx, key).Val()
	if ttl <= 0 || ttl > store.DefaultConfig().TTL {
		t.Errorf("draft TTL %v; want the conversation TTL", ttl)
	}
	q.Submit(ctx, 5, id, ReasonAskHuman)
	if n := st.Client().Exists(ctx, key).Val(); n != 0 {
		t.Errorf("the draft stayed under the chat's tag after it was queued")
	}
	key = prefixOf(st) + "{review}:case:" + id
	q.Decide(ctx, id, Decision{By: modA, Outcome: OutcomeScam})
	if ttl := st.Client().PTTL(ctx, key).Val(); ttl <= QueuedTTL {
		t.Errorf("decided case TTL %v; want the decided TTL (%v)", ttl, DecidedTTL)
	}
}

func TestModeratorDisappears(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	id, _ := q.Draft(ctx, scamCase(1))
	q.Submit(ctx, 1, id, ReasonAskHuman)

	got, ok, err := q.Next(ctx, modA)
	if err != nil || !ok || got.ID != id {
		t.Fatalf("Next(A) = %v %v %v; want case %s", got.ID, ok, err, id)
	}
	// A asks again without deciding: the same case, not a new one.
	if again, ok, _ := q.Next(ctx, modA); !ok || again.ID != id {
		t.Errorf("Next(A) again = %v %v; want the same undecided case", again.ID, ok)
	}
	// A vanishes. Within ClaimIdle, B does not get A's case.
	if _, ok, err := q.Next(ctx, modB); err != nil || ok {
		t.Fatalf("Next(B) while A holds the case = %v, %v; want nothing", ok, err)
	}
	n, err := q.Reclaim(ctx, modB, 0)
	if err != nil || n != 1 {
		t.Fatalf("Reclaim = %d, %v; want 1", n, err)
	}
	got, ok, err = q.Next(ctx, modB)
	if err != nil || !ok || got.ID != id {
		t.Fatalf("Next(B) after re-claim = %v %v %v; want case %s", got.ID, ok, err, id)
	}

	// Next re-claims on its own once the case was idle for ClaimIdle.
	fast := New(st, Config{Moderators: NewModerators(modA, modB), ClaimIdle: time.Millisecond})
	time.Sleep(5 * time.Millisecond)
	if got, ok, err := fast.Next(ctx, modA); err != nil || !ok || got.ID != id {
		t.Fatalf("Next(A) after B idled = %v %v %v; want case %s", got.ID, ok, err, id)
	}
}

func TestDecideAcknowledgesAndStores(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	id, _ := q.Draft(ctx, scamCase(1))
	q.Submit(ctx, 1, id, ReasonAskHuman)
	if _, _, err := q.Next(ctx, modA); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Decide(ctx, id, Decision{By: stranger, Outcome: OutcomeScam}); !errors.Is(err, ErrNotModerator) {
		t.Fatalf("a stranger's decision: %v; want ErrNotModerator", err)
	}
	if _, _, err := q.Next(ctx, stranger); !errors.Is(err, ErrNotModerator) {
		t.Fatalf("a stranger's Next: %v; want ErrNotModerator", err)
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c, err := q.Decide(ctx, id, Decision{By: modA, At: at, Outcome: OutcomeScam, Type: "fake_online_loan"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusConfirmed || c.Decision == nil || c.Decision.By != modA || !c.Decision.At.Equal(at) || c.FinalType() != "fake_online_loan" {
		t.Errorf("decided case: status %s decision %+v type %s", c.Status, c.Decision, c.FinalType())
	}
	pending, err := st.Client().XPending(ctx, streamKey(st), "moderators").Result()
	if err != nil {
		t.Fatal(err)
	}
	if pending.Count != 0 {
		t.Errorf("%d entries pending after the decision; want 0", pending.Count)
	}
	if _, ok, _ := q.Next(ctx, modB); ok {
		t.Error("a decided case was handed out again")
	}
	// Deciding from the card, without Next, acknowledges too: the entry is
	// passed over when someone reads the queue.
	other, _ := q.Draft(ctx, scamCase(2))
	q.Submit(ctx, 2, other, ReasonAskHuman)
	if _, err := q.Decide(ctx, other, Decision{By: modB, Outcome: OutcomeLegit}); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := q.Next(ctx, modA); ok {
		t.Errorf("Next handed out case %s decided from its card", got.ID)
	}
	draft, _ := q.Draft(ctx, scamCase(3))
	if _, err := q.Decide(ctx, draft, Decision{By: modA, Outcome: OutcomeScam}); !errors.Is(err, ErrNotQueued) {
		t.Errorf("deciding a draft: %v; want ErrCaseNotQueued", err)
	}
}

func TestFollowUpOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	tests := []struct {
		name    string
		reason  string
		told    string
		outcome Outcome
		due     bool
		// says is a word of the English follow-up.
		says string
	}{
		{"warned, reviewer says not a scam", ReasonFlagged, "scam", OutcomeLegit, true, "too cautious"},
		{"suspicious, reviewer confirms", ReasonFlagged, "suspicious", OutcomeScam, true, "it is a scam"},
		{"not warned, reviewer confirms", ReasonAskHuman, "none", OutcomeScam, true, "it is a scam"},
		{"flagged scam, reviewer agrees", ReasonFlagged, "scam", OutcomeScam, false, ""},
		{"flagged, not warned, reviewer agrees", ReasonFlagged, "none", OutcomeLegit, false, ""},
		{"flagged, skipped", ReasonFlagged, "scam", OutcomeSkip, false, ""},
		// Asking a human always gets an answer.
		{"asked, scam, reviewer agrees", ReasonAskHuman, "scam", OutcomeScam, true, "agrees: it is a scam"},
		{"asked, not warned, reviewer agrees", ReasonAskHuman, "none", OutcomeLegit, true, "no signs of a scam either"},
		{"asked, warned, reviewer dismisses", ReasonAskHuman, "scam", OutcomeLegit, true, "too cautious"},
		{"asked, skipped", ReasonAskHuman, "scam", OutcomeSkip, true, "could not tell"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := scamCase(int64(100 + i))
			c.Verdict.Level = tc.told
			id, _ := q.Draft(ctx, c)
			if _, err := q.Submit(ctx, c.Chat, id, tc.reason); err != nil {
				t.Fatal(err)
			}
			decided, err := q.Decide(ctx, id, Decision{By: modA, Outcome: tc.outcome})
			if err != nil {
				t.Fatal(err)
			}
			if decided.FollowUpDue() != tc.due {
				t.Fatalf("FollowUpDue = %v; want %v", decided.FollowUpDue(), tc.due)
			}
			if !tc.due {
				return
			}
			if FollowUpText(decided, "") == "" || FollowUpText(decided, "en") == FollowUpText(decided, "zh") || FollowUpText(decided, "zh-Hant") == "" {
				t.Errorf("follow-up texts: zh %q en %q", FollowUpText(decided, "zh"), FollowUpText(decided, "en"))
			}
			if en := FollowUpText(decided, "en"); !strings.Contains(en, tc.says) {
				t.Errorf("the follow-up %q does not say %q", en, tc.says)
			}
			first, err := q.ClaimFollowUp(ctx, id)
			if err != nil || !first {
				t.Fatalf("first ClaimFollowUp = %v, %v; want true", first, err)
			}
			if second, _ := q.ClaimFollowUp(ctx, id); second {
				t.Error("second ClaimFollowUp = true; want the follow-up sent once")
			}
			again, _ := q.Decide(ctx, id, Decision{By: modB, Outcome: tc.outcome})
			if again.FollowUpDue() {
				t.Error("a second decision asks for the follow-up again")
			}
		})
	}
}

func TestForgetChat(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	var mine []string
	for range 2 {
		id, _ := q.Draft(ctx, scamCase(1))
		mine = append(mine, id)
	}
	q.Submit(ctx, 1, mine[0], ReasonAskHuman)
	q.Decide(ctx, mine[0], Decision{By: modA, Outcome: OutcomeLegit})
	theirs, _ := q.Draft(ctx, scamCase(2))
	q.Submit(ctx, 2, theirs, ReasonAskHuman)

	n, err := q.ForgetChat(ctx, 1)
	if err != nil || n != 2 {
		t.Fatalf("ForgetChat = %d, %v; want 2", n, err)
	}
	for _, id := range mine {
		if _, err := q.Case(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("case %s after ForgetChat: %v; want ErrNotFound", id, err)
		}
	}
	if _, err := q.Case(ctx, theirs); err != nil {
		t.Errorf("another chat's case: %v", err)
	}
	if n := streamLen(t, st); n != 1 {
		t.Errorf("%d stream entries after ForgetChat; want 1 (the other chat's)", n)
	}
	listed, _ := q.List(ctx, Filter{})
	if len(listed) != 1 || listed[0].ID != theirs {
		t.Errorf("listed %d cases after ForgetChat; want only the other chat's", len(listed))
	}
	keys, _ := st.Client().Keys(ctx, prefixOf(st)+"{review}:chat:1").Result()
	if len(keys) != 0 {
		t.Errorf("chat index left behind: %v", keys)
	}
}

func TestConfirmedScriptIsKnown(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	id, _ := q.Draft(ctx, scamCase(1))
	q.Submit(ctx, 1, id, ReasonAskHuman)

	// The next victim gets the same script with other numbers, spacing and
	// punctuation.
	next := []string{
		"您好 我是京东客服!您的订单JD20250101000777因物流丢件需要理赔, 请问是本人吗",
		"理赔需要您添加我们的理赔专员QQ：5566778899 下载会议软件开启屏幕共享，我们指导您操作退款！",
	}
	honest := []string{
		"您好，您的快递已经放在小区门口的快递柜，取件码已经发到您的手机上了，请及时领取",
		"退款已经原路退回到您的支付账户，一般一到三个工作日到账，请留意查收，感谢您的耐心",
	}
	if match, _, err := q.KnownScam(ctx, next); err != nil || match {
		t.Fatalf("before the decision: KnownScam = %v, %v; want no match", match, err)
	}
	if _, err := q.Decide(ctx, id, Decision{By: modA, Outcome: OutcomeScam}); err != nil {
		t.Fatal(err)
	}
	match, caseID, err := q.KnownScam(ctx, next)
	if err != nil || !match || caseID != id {
		t.Fatalf("KnownScam(same script) = %v %q %v; want case %s", match, caseID, err, id)
	}
	if match, _, _ := q.KnownScam(ctx, next[:1]); match {
		t.Error("one shared opening line matched; want two messages of the script")
	}
	if match, _, _ := q.KnownScam(ctx, honest); match {
		t.Error("an honest delivery chat matched the known scam")
	}
	// The bot's rule: the heuristic said none, the fingerprint makes it a
	// scam without any other engine.
	v := Apply(classifier.Verdict{Level: classifier.LevelNone, Engines: []string{"heuristic"}}, true, false)
	if v.Level != classifier.LevelScam || v.Engines[len(v.Engines)-1] != EngineFingerprint {
		t.Errorf("Apply(known scam) = %s %v", v.Level, v.Engines)
	}

	// A correction moves the script to the known-legit set.
	if _, err := q.Decide(ctx, id, Decision{By: modB, Outcome: OutcomeLegit}); err != nil {
		t.Fatal(err)
	}
	if match, _, _ := q.KnownScam(ctx, next); match {
		t.Error("a dismissed case is still a known scam")
	}
	if match, _, _ := q.KnownLegit(ctx, next); !match {
		t.Error("a dismissed case is not known legit")
	}
}

func TestStatsAndExport(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	decide := func(chat int64, level string, outcome Outcome) string {
		c := scamCase(chat)
		c.Verdict.Level = level
		id, _ := q.Draft(ctx, c)
		q.Submit(ctx, chat, id, ReasonAskHuman)
		if outcome != "" {
			if _, err := q.Decide(ctx, id, Decision{By: modA, Outcome: outcome}); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	decide(1, "scam", OutcomeScam)
	decide(2, "suspicious", OutcomeLegit)
	decide(3, "scam", OutcomeScam)
	decide(4, "none", OutcomeScam) // not flagged: not in precision
	decide(5, "scam", OutcomeSkip)
	decide(6, "scam", "")
	stats, err := q.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Open != 1 || stats.Confirmed != 3 || stats.Dismissed != 1 || stats.Skipped != 1 {
		t.Errorf("stats counts %+v", stats)
	}
	if want := 2.0 / 3.0; stats.Precision != want {
		t.Errorf("precision %v; want %v", stats.Precision, want)
	}
	if len(stats.TopTypes) != 1 || stats.TopTypes[0] != (TypeCount{"ecommerce_logistics_refund", 3}) {
		t.Errorf("top types %v", stats.TopTypes)
	}
	if len(stats.Days) != 1 || stats.Days[0].Queued != 6 {
		t.Errorf("days %v", stats.Days)
	}

	var out bytes.Buffer
	n, err := q.ExportJSONL(ctx, &out)
	if err != nil || n != 4 {
		t.Fatalf("ExportJSONL = %d, %v; want 4 decided cases", n, err)
	}
	labels := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var item corpusItem
		if err := json.Unmarshal([]byte(line), &item); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		if item.Source != "review" || item.Lang != "zh" || len(item.Messages) != 5 || !strings.HasPrefix(item.ID, "review-") {
			t.Errorf("export item %+v", item)
		}
		if strings.Contains(line, "2309883321") {
			t.Error("export holds an unredacted number")
		}
		labels[item.Label]++
	}
	if labels["scam"] != 3 || labels["legit"] != 1 {
		t.Errorf("export labels %v; want 3 scam, 1 legit", labels)
	}
}

func TestListFilters(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	// List is newest first by queue time, in milliseconds: two cases
	// queued in the same millisecond have no order between them, so the
	// clock moves a second at each reading and b is queued after a.
	var clock atomic.Int64
	clock.Store(time.Now().Add(-time.Minute).UnixMilli())
	q := New(st, Config{Moderators: NewModerators(modA, modB), ClaimIdle: time.Hour,
		Now: func() time.Time { return time.UnixMilli(clock.Add(1000)) }})
	a := scamCase(1)
	b := scamCase(2)
	b.Verdict.Level, b.Verdict.Type, b.Language = "none", "", "en"
	idA, _ := q.Draft(ctx, a)
	idB, _ := q.Draft(ctx, b)
	q.Submit(ctx, 1, idA, ReasonFlagged)
	q.Submit(ctx, 2, idB, ReasonWrong)
	q.Decide(ctx, idA, Decision{By: modA, Outcome: OutcomeScam})
	for _, tc := range []struct {
		name   string
		filter Filter
		want   []string
	}{
		{"all", Filter{}, []string{idB, idA}},
		{"status", Filter{Status: StatusOpen}, []string{idB}},
		{"level", Filter{Level: "suspicious"}, []string{idA}},
		{"type", Filter{Type: "ecommerce_logistics_refund"}, []string{idA}},
		{"lang", Filter{Lang: "en"}, []string{idB}},
		{"date before", Filter{To: time.Now().Add(-time.Hour)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cases, err := q.List(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cases {
				got = append(got, c.ID)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name              string
		in                classifier.Verdict
		knownScam, legit  bool
		want              classifier.Level
		fingerprintEngine bool
	}{
		{"known scam raises none", classifier.Verdict{Level: classifier.LevelNone}, true, false, classifier.LevelScam, true},
		{"known scam raises suspicious", classifier.Verdict{Level: classifier.LevelSuspicious}, true, false, classifier.LevelScam, true},
		{"scam wins over legit", classifier.Verdict{Level: classifier.LevelSuspicious}, true, true, classifier.LevelScam, true},
		{"legit lowers suspicious", classifier.Verdict{Level: classifier.LevelSuspicious}, false, true, classifier.LevelNone, true},
		{"legit never lowers a hard stop", classifier.Verdict{Level: classifier.LevelSuspicious, HardStop: true}, false, true, classifier.LevelSuspicious, false},
		{"legit never lowers a hard-stop scam", classifier.Verdict{Level: classifier.LevelScam, HardStop: true}, false, true, classifier.LevelScam, false},
		{"legit never lowers a scam", classifier.Verdict{Level: classifier.LevelScam}, false, true, classifier.LevelScam, false},
		{"nothing known", classifier.Verdict{Level: classifier.LevelSuspicious}, false, false, classifier.LevelSuspicious, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Engines = []string{"heuristic"}
			got := Apply(tc.in, tc.knownScam, tc.legit)
			if got.Level != tc.want {
				t.Errorf("level %s; want %s", got.Level, tc.want)
			}
			if got.HardStop != tc.in.HardStop {
				t.Error("Apply changed HardStop")
			}
			hasEngine := got.Engines[len(got.Engines)-1] == EngineFingerprint
			if hasEngine != tc.fingerprintEngine {
				t.Errorf("engines %v; fingerprint engine wanted: %v", got.Engines, tc.fingerprintEngine)
			}
			if tc.knownScam && got.Score < 0.8 {
				t.Errorf("score %v of a known scam; want at least the scam threshold", got.Score)
			}
		})
	}
}

func TestModerators(t *testing.T) {
	m, err := ParseModerators(" 12, 34 ,,56")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]bool{12: true, 34: true, 56: true, 78: false, 0: false} {
		if m.Allowed(id) != want {
			t.Errorf("Allowed(%d) = %v; want %v", id, !want, want)
		}
	}
	for _, bad := range []string{"12,abc", "-5", "1.5"} {
		if _, err := ParseModerators(bad); err == nil {
			t.Errorf("ParseModerators(%q) accepted it", bad)
		}
	}
	if (Moderators{}).Allowed(12) {
		t.Error("the zero Moderators allows someone")
	}
}

// TestSubmitCaseQueuesOnce checks SubmitCase, the bot's way to queue a
// case it builds when asked for: created under {review} and queued once
// however often it is submitted, each reason recorded, the texts redacted.
func TestSubmitCaseQueuesOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	q := newQueue(t, st)
	c := scamCase(4)
	c.ID, c.Feedback = NewCaseID(4), "unhelpful"
	c.Transcript[0].Text += " 13812345678"
	for i, reason := range []string{ReasonWrong, ReasonAskHuman, ReasonAskHuman} {
		queued, err := q.SubmitCase(ctx, c, reason)
		if err != nil {
			t.Fatal(err)
		}
		if queued != (i == 0) {
			t.Errorf("submit %d (%s): queued = %v; want %v", i, reason, queued, i == 0)
		}
	}
	if n := streamLen(t, st); n != 1 {
		t.Fatalf("%d entries on the queue; want 1", n)
	}
	got, err := q.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusOpen || strings.Join(got.Reasons, ",") != "wrong,ask_human" || got.Feedback != "unhelpful" || got.Chat != 4 {
		t.Errorf("case status %s reasons %v feedback %q chat %d", got.Status, got.Reasons, got.Feedback, got.Chat)
	}
	if strings.Contains(got.Transcript[0].Text, "13812345678") {
		t.Errorf("the case keeps a phone number: %q", got.Transcript[0].Text)
	}
	if CaseChat(c.ID) != 4 {
		t.Errorf("CaseChat(%s) = %d, want 4", c.ID, CaseChat(c.ID))
	}
	if _, err := q.SubmitCase(ctx, c, "because"); err == nil {
		t.Error("an unknown reason was accepted")
	}
}
