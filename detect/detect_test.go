package detect_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/llm/llmtest"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// hardStop is the founding refund scam at its payment step: gift cards
// demanded by the other party, a hard stop.
var hardStop = []classifier.Message{
	{From: classifier.SpeakerOther, Text: "您好，我是淘宝理赔中心的客服，您的快递丢失了，我们给您办理双倍理赔。"},
	{From: classifier.SpeakerUser, Text: "好的，怎么操作？"},
	{From: classifier.SpeakerOther, Text: "请您用我给您的当当账号购买两张1000元的礼品卡，把卡号卡密发给我做验证，验证完就全部退回给您。"},
}

// honest is customer service doing its job.
var honest = []classifier.Message{
	{From: classifier.SpeakerOther, Text: "您好，您的快递已经放在小区门口的快递柜，取件码已经发到您的手机上了。"},
	{From: classifier.SpeakerUser, Text: "好的，谢谢"},
}

func newClassifier(t testing.TB) (*classifier.Classifier, *catalog.Catalog) {
	t.Helper()
	cat := catalog.MustLoad()
	c, err := classifier.Default(cat.ImpersonableBrands())
	if err != nil {
		t.Fatal(err)
	}
	return c, cat
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newJudge is an LLM stage on the fake server at url whose grey zone is
// every score above 0.2, so that a hard stop is asked about too.
func newJudge(t testing.TB, cat *catalog.Catalog, url string) *llm.Judge {
	t.Helper()
	cfg := llm.DefaultConfig()
	cfg.APIKey, cfg.BaseURL, cfg.Timeout = "sk-test", url, 5*time.Second
	cfg.UserPerHour, cfg.GlobalPerHour = 0, 0
	cfg.GreyHigh = 1.01
	j, err := llm.New(cfg, cat, nil, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func names(res detect.Result) []string {
	var out []string
	for _, r := range res.Stages {
		out = append(out, r.Name)
	}
	return out
}

func TestStagesRunInOrderAndDisabledOnesReportSkipped(t *testing.T) {
	c, cat := newClassifier(t)
	unconfigured, err := llm.New(llm.Config{}, cat, nil, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		judge *llm.Judge
	}{{"no judge", nil}, {"judge without a model", unconfigured}} {
		t.Run(tc.name, func(t *testing.T) {
			p := detect.New(detect.Heuristics(c), detect.Fingerprints(nil), detect.LLM(tc.judge))
			res := p.Run(context.Background(), detect.Request{Messages: hardStop})
			want := []string{detect.NameHeuristics, detect.NameFingerprints, detect.NameLLM}
			if got := names(res); !slices.Equal(got, want) || !slices.Equal(p.Names(), want) {
				t.Fatalf("stages %v (Names %v), want %v", got, p.Names(), want)
			}
			heuristic := c.Classify(context.Background(), classifier.Conversation{Messages: hardStop})
			if res.Verdict.Level != classifier.LevelScam || res.Verdict.Score != heuristic.Score || !slices.Equal(res.Verdict.Engines, heuristic.Engines) {
				t.Errorf("verdict %s %.3f %v, want the heuristic one %s %.3f %v", res.Verdict.Level, res.Verdict.Score, res.Verdict.Engines, heuristic.Level, heuristic.Score, heuristic.Engines)
			}
			first := res.Stages[0]
			if first.Outcome != detect.Raised || first.Before != "" || first.After != classifier.LevelScam || !strings.Contains(first.Reason, "3 messages") {
				t.Errorf("heuristics record %+v, want raised from nothing to scam over 3 messages", first)
			}
			for _, rec := range res.Stages[1:] {
				if rec.Outcome != detect.Skipped || rec.Before != classifier.LevelScam || rec.After != classifier.LevelScam || rec.Reason == "" {
					t.Errorf("record %+v, want skipped at scam with a reason", rec)
				}
			}
		})
	}
}

func TestHeuristicsKeepsNoneAndContinuesFromAState(t *testing.T) {
	c, _ := newClassifier(t)
	p := detect.New(detect.Heuristics(c))
	res := p.Run(context.Background(), detect.Request{Messages: honest})
	if rec := res.Stages[0]; rec.Outcome != detect.Kept || rec.After != classifier.LevelNone {
		t.Errorf("an honest conversation: %+v, want kept at none", rec)
	}

	// The caller classified the first two messages as they arrived; the
	// window it passes starts at the second.
	state := classifier.NewState()
	c.Observe(state, hardStop[0])
	c.Observe(state, hardStop[1])
	res = p.Run(context.Background(), detect.Request{Messages: hardStop[1:], FirstIndex: 1, State: state})
	whole := c.Classify(context.Background(), classifier.Conversation{Messages: hardStop})
	if state.Messages != 3 {
		t.Errorf("the state has seen %d messages, want 3 (the new one observed once)", state.Messages)
	}
	if res.Verdict.Level != whole.Level || res.Verdict.Score != whole.Score || res.Verdict.FirstAlertIndex != whole.FirstAlertIndex {
		t.Errorf("continued: %s %.3f first alert %d; whole: %s %.3f first alert %d",
			res.Verdict.Level, res.Verdict.Score, res.Verdict.FirstAlertIndex, whole.Level, whole.Score, whole.FirstAlertIndex)
	}
	if !strings.Contains(res.Stages[0].Reason, "observed 1") {
		t.Errorf("reason %q, want one message observed", res.Stages[0].Reason)
	}
}

func TestHardStopIsNeverClearedByTheLLM(t *testing.T) {
	c, cat := newClassifier(t)
	model := llmtest.NewServer(t, llmtest.Answering(llmtest.Answer{
		IsScam: false, Level: "none", Reasons: []string{"这是正常的客服"}, Confidence: 0.99,
	}))
	p := detect.New(detect.Heuristics(c), detect.Fingerprints(nil), detect.LLM(newJudge(t, cat, model.URL)))
	res := p.Run(context.Background(), detect.Request{Messages: hardStop, User: "test"})
	if model.Calls() != 1 {
		t.Fatalf("%d LLM calls, want 1 (the zone covers every score)", model.Calls())
	}
	rec, _ := res.Stage(detect.NameLLM)
	if !res.Verdict.HardStop || res.Verdict.Level != classifier.LevelScam {
		t.Errorf("after the LLM said none: %s hard stop %v, want scam and still a hard stop", res.Verdict.Level, res.Verdict.HardStop)
	}
	if rec.Outcome != detect.Kept || !rec.Called || rec.Before != classifier.LevelScam || rec.After != classifier.LevelScam || rec.Detail != string(llm.OutcomeAnswered) {
		t.Errorf("LLM record %+v, want kept at scam after a call", rec)
	}
}

// lowerEverything is a stage that believes nothing is a scam: the
// pipeline's own rule must keep a hard stop whatever a stage returns.
type lowerEverything struct{}

func (lowerEverything) Name() string { return "lower" }

func (lowerEverything) Run(_ context.Context, _ *detect.Request, v classifier.Verdict) detect.Decision {
	v.Level, v.HardStop, v.Type = classifier.LevelNone, false, ""
	return detect.Decision{Verdict: v, Reason: "looks fine"}
}

func TestPipelineKeepsAHardStopWhateverAStageReturns(t *testing.T) {
	c, _ := newClassifier(t)
	p := detect.New(detect.Heuristics(c), lowerEverything{})
	res := p.Run(context.Background(), detect.Request{Messages: hardStop})
	rec, _ := res.Stage("lower")
	if res.Verdict.Level != classifier.LevelScam || !res.Verdict.HardStop || res.Verdict.Type == "" || rec.Outcome != detect.Kept {
		t.Errorf("verdict %s hard stop %v type %q, record %+v; want the hard stop kept", res.Verdict.Level, res.Verdict.HardStop, res.Verdict.Type, rec)
	}
	// Without a hard stop the stage may lower.
	grey := []classifier.Message{{From: classifier.SpeakerOther, Text: "您好，这里是顺丰快递，您的快递丢失了，我们要给您三倍理赔"}}
	res = p.Run(context.Background(), detect.Request{Messages: grey})
	if rec, _ := res.Stage("lower"); res.Stages[0].After == classifier.LevelNone || rec.Outcome != detect.Lowered {
		t.Errorf("grey conversation: heuristics %s, lower stage %+v; want a warning lowered", res.Stages[0].After, rec)
	}
}

func TestSkipNamesAStageNotToRun(t *testing.T) {
	c, _ := newClassifier(t)
	p := detect.New(detect.Heuristics(c), lowerEverything{})
	grey := []classifier.Message{{From: classifier.SpeakerOther, Text: "您好，这里是顺丰快递，您的快递丢失了，我们要给您三倍理赔"}}
	res := p.Run(context.Background(), detect.Request{Messages: grey, Skip: map[string]string{"lower": "store down"}})
	if rec, _ := res.Stage("lower"); rec.Outcome != detect.Skipped || rec.Reason != "store down" || res.Verdict.Level == classifier.LevelNone {
		t.Errorf("record %+v, verdict %s; want skipped with the caller's reason and the verdict untouched", rec, res.Verdict.Level)
	}
}

// openQueue is a review queue on a real redis-server.
func openQueue(t *testing.T) (*review.Queue, *storetest.Server) {
	t.Helper()
	server := storetest.StartServer(t)
	cfg := store.DefaultConfig()
	cfg.Addrs = []string{server.Addr}
	cfg.Prefix = fmt.Sprintf("dttest%d:", rand.Uint32())
	cfg.DialTimeout, cfg.ReadTimeout, cfg.OpTimeout = 200*time.Millisecond, 200*time.Millisecond, 300*time.Millisecond
	st, err := store.Open(context.Background(), cfg, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return review.New(st, review.Config{Moderators: review.NewModerators(1)}), server
}

// decide drafts conv as a case, queues it and records a moderator's decision.
func decide(t *testing.T, q *review.Queue, chat int64, conv []classifier.Message, outcome review.Outcome) {
	t.Helper()
	ctx := context.Background()
	var transcript []review.Message
	for _, m := range conv {
		transcript = append(transcript, review.Message{From: string(m.From), Text: m.Text})
	}
	id, err := q.Draft(ctx, review.Case{Chat: chat, User: chat, Transcript: transcript, Verdict: review.Verdict{Level: "suspicious"}, Created: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Submit(ctx, chat, id, review.ReasonAskHuman); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Decide(ctx, id, review.Decision{By: 1, Outcome: outcome}); err != nil {
		t.Fatal(err)
	}
}

func TestFingerprintsOfDecidedScripts(t *testing.T) {
	c, cat := newClassifier(t)
	// The phrases alone: the word model reads this script as the scam it
	// is, and the stage under test is what a moderator's decision adds.
	c = c.WithModel(nil)
	q, server := openQueue(t)
	model := llmtest.NewServer(t, llmtest.Answering(llmtest.Answer{IsScam: true, Level: "scam", Confidence: 0.9}))
	p := detect.New(detect.Heuristics(c), detect.Fingerprints(q), detect.LLM(newJudge(t, cat, model.URL)))
	ctx := context.Background()

	// A script too mild for the heuristics alone, confirmed by a moderator.
	script := []classifier.Message{
		{From: classifier.SpeakerOther, Text: "您好，这里是顺丰快递，您的快递在运输途中丢失了，我们要给您三倍理赔，请问是本人吗"},
		{From: classifier.SpeakerUser, Text: "是的"},
		{From: classifier.SpeakerOther, Text: "请您添加我们理赔专员的微信，专员会一步一步指导您办理理赔手续，今天之内就能到账"},
	}
	res := p.Run(ctx, detect.Request{Messages: script})
	if rec, _ := res.Stage(detect.NameFingerprints); rec.Outcome == detect.Raised || res.Stages[0].After == classifier.LevelScam {
		t.Fatalf("before any decision: heuristics %s, fingerprints %+v; want no scam yet", res.Stages[0].After, rec)
	}
	decide(t, q, 7, script, review.OutcomeScam)
	calls := model.Calls()
	res = p.Run(ctx, detect.Request{Messages: script})
	rec, _ := res.Stage(detect.NameFingerprints)
	if rec.Outcome != detect.Raised || rec.After != classifier.LevelScam || rec.Detail != "scam" || !slices.Contains(res.Verdict.Engines, review.EngineFingerprint) {
		t.Errorf("after the decision: fingerprints %+v, engines %v; want raised to scam by a fingerprint", rec, res.Verdict.Engines)
	}
	if rec, _ := res.Stage(detect.NameLLM); rec.Outcome != detect.Skipped || model.Calls() != calls {
		t.Errorf("LLM record %+v, %d new calls; want skipped, no call, once moderators settled it", rec, model.Calls()-calls)
	}

	// Redis is gone: the stage fails and the verdict is the heuristics'.
	server.Stop()
	res = p.Run(ctx, detect.Request{Messages: hardStop})
	rec, _ = res.Stage(detect.NameFingerprints)
	if rec.Outcome != detect.Failed || rec.Err == nil || errors.Is(rec.Err, context.Canceled) || rec.After != res.Stages[0].After {
		t.Errorf("with Redis stopped: %+v, want failed with the error and the verdict unchanged", rec)
	}
}
