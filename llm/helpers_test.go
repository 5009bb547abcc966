package llm

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/llm/llmtest"
)

var (
	loadOnce  sync.Once
	testCat   *catalog.Catalog
	testRules *classifier.Classifier
)

// engines returns the catalog and the heuristic classifier, loaded once.
func engines(t testing.TB) (*catalog.Catalog, *classifier.Classifier) {
	t.Helper()
	loadOnce.Do(func() {
		testCat = catalog.MustLoad()
		c, err := classifier.Default(testCat.ImpersonableBrands())
		if err != nil {
			panic(err)
		}
		testRules = c
	})
	return testCat, testRules
}

// conversation parses "other" lines; lines starting "me:" are the user's.
func conversation(text string) []classifier.Message {
	var out []classifier.Message
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if rest, ok := strings.CutPrefix(line, "me:"); ok {
			out = append(out, classifier.Message{From: classifier.SpeakerUser, Text: strings.TrimSpace(rest)})
			continue
		}
		out = append(out, classifier.Message{From: classifier.SpeakerOther, Text: line})
	}
	return out
}

// request classifies the window with the heuristics and wraps it.
func request(t testing.TB, text string) Request {
	t.Helper()
	_, rules := engines(t)
	window := conversation(text)
	return Request{
		Verdict: rules.Classify(context.Background(), classifier.Conversation{Messages: window}),
		Window:  window,
		User:    "user-1",
	}
}

// newJudge builds a Judge against srv with a short timeout; adjust edits
// the config.
func newJudge(t testing.TB, baseURL string, adjust func(*Config)) *Judge {
	t.Helper()
	cat, _ := engines(t)
	cfg := DefaultConfig()
	cfg.APIKey, cfg.BaseURL, cfg.Model = "test-key-not-logged", baseURL, "test-model"
	cfg.Timeout = 2 * time.Second
	cfg.Debounce = 0
	if adjust != nil {
		adjust(&cfg)
	}
	j, err := New(cfg, cat, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// Conversations the tests share, with the heuristic verdict they get
// (checked by TestFixturesHaveTheirHeuristicVerdicts, so a change of the
// signals cannot silently turn a test into a no-op).
const (
	// greyBank is suspicious, in the grey zone.
	greyBank = "Hello, this is your bank. Your account shows unusual activity.\nPlease confirm your details on our secure page"
	// greyCourier is suspicious, in the grey zone.
	greyCourier = "您好，这里是顺丰快递，您的快递丢失了，我们要给您三倍理赔"
	// hardStopRefund is a hard stop.
	hardStopRefund = "您好，我是淘宝客服\n您的芝麻信用分太低，需要在借呗借款刷流水"
	// benign is short honest chat.
	benign = "me:你好，我的快递到哪了\n您好，您的快递今天下午送达，请保持电话畅通\nme:好的谢谢"
)

// scamAnswer is an honest model's answer for the grey conversations.
var scamAnswer = llmtest.Answer{
	IsScam: true, Level: "scam", Type: "bank_impersonation_safe_account", Stage: "credibility",
	Reasons:    []string{"A bank never asks you to confirm your details on a page it sends you.", "Call the number on your card instead."},
	Confidence: 0.9,
}
