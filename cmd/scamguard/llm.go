package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sync"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/eval"
	"github.com/scamguard/scamguard/llm"
)

// heuristicsOnly is what check, eval and bot say once at start when no
// LLM is configured.
const heuristicsOnly = "no " + llm.EnvAPIKey + " or " + llm.EnvBaseURL + ": heuristics only (the LLM stage is off)"

// newJudge builds the LLM stage of check and eval from the environment,
// with an in-process cache and budget. With --no-llm it is off silently;
// with no key and no base URL it is off and says so once on stderr, as
// the work starts (check builds the judge once its input is known to be
// usable, so that an unusable input gets its one-line error alone). eval
// lifts the hourly caps: scoring a corpus is one deliberate run.
func (e *engine) newJudge(command string, disabled bool, stderr io.Writer) (*llm.Judge, error) {
	cfg, err := llm.ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	if command == "eval" {
		cfg.UserPerHour, cfg.GlobalPerHour = 0, 0
	}
	if disabled {
		cfg.APIKey, cfg.BaseURL = "", ""
	} else if !cfg.Configured() {
		fmt.Fprintf(stderr, "scamguard %s: %s\n", command, heuristicsOnly)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return llm.New(cfg, e.catalog, nil, nil, log)
}

// llmReport is the LLM stage's share of one corpus file: how many messages
// and conversations would reach it, and with a model configured what the
// calls did to the verdicts.
type llmReport struct {
	GreyLow  float64 `json:"grey_low"`
	GreyHigh float64 `json:"grey_high"`
	// Messages is every message of the file; MessagesToLLM those after
	// which the bot would call the LLM when messages arrive one at a time
	// (gate, and new evidence since the last call of the conversation;
	// time-based debounce and the cache would only lower it).
	Messages      int      `json:"messages"`
	MessagesToLLM int      `json:"messages_to_llm"`
	MessageRate   *float64 `json:"llm_message_rate"`
	// Conversations and ConversationsToLLM count whole conversations
	// whose final heuristic verdict goes to the LLM (what check does).
	Conversations      int      `json:"conversations"`
	ConversationsToLLM int      `json:"conversations_to_llm"`
	ConversationRate   *float64 `json:"llm_conversation_rate"`
	// With a model configured: the calls, and recall and false alarms of
	// the combined verdicts (same rules as the heuristic report).
	Calls      int      `json:"llm_calls,omitempty"`
	Cached     int      `json:"llm_cached,omitempty"`
	Failed     int      `json:"llm_failed,omitempty"`
	Recall     *float64 `json:"recall_with_llm,omitempty"`
	FalseAlarm *float64 `json:"false_alarm_rate_with_llm,omitempty"`

	scams, scamsWarned, legit, legitWarned int
}

func (r *llmReport) add(o *llmReport) {
	r.Messages += o.Messages
	r.MessagesToLLM += o.MessagesToLLM
	r.Conversations += o.Conversations
	r.ConversationsToLLM += o.ConversationsToLLM
	r.Calls += o.Calls
	r.Cached += o.Cached
	r.Failed += o.Failed
	r.scams += o.scams
	r.scamsWarned += o.scamsWarned
	r.legit += o.legit
	r.legitWarned += o.legitWarned
}

func (r *llmReport) finish(withLLM bool) {
	r.MessageRate = ratio(r.MessagesToLLM, r.Messages)
	r.ConversationRate = ratio(r.ConversationsToLLM, r.Conversations)
	if withLLM {
		r.Recall = ratio(r.scamsWarned, r.scams)
		r.FalseAlarm = ratio(r.legitWarned, r.legit)
	}
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	x := float64(n) / float64(d)
	return &x
}

// llmItem is what one conversation contributes.
type llmItem struct {
	messagesToLLM int
	gated         bool
	final         classifier.Verdict
	res           llm.Result
}

// evalLLM measures the LLM stage on one corpus file: messages are observed
// one at a time as the bot sees them, and the final verdict goes to the
// judge when it is enabled.
func evalLLM(ctx context.Context, c *classifier.Classifier, judge *llm.Judge, path string) (llmReport, error) {
	items, err := eval.ReadFile(path)
	if err != nil {
		return llmReport{}, err
	}
	cfg := judge.Config()
	out := make([]llmItem, len(items))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	if judge.Enabled() {
		workers = 8 // calls wait on the network, not the CPU
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = judgeItem(ctx, c, judge, cfg, &items[i])
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()

	rep := llmReport{GreyLow: cfg.GreyLow, GreyHigh: cfg.GreyHigh}
	for i, it := range out {
		rep.Messages += len(items[i].Messages)
		rep.MessagesToLLM += it.messagesToLLM
		rep.Conversations++
		if it.gated {
			rep.ConversationsToLLM++
		}
		switch it.res.Outcome {
		case llm.OutcomeAnswered:
			rep.Calls++
		case llm.OutcomeCached:
			rep.Cached++
		case llm.OutcomeFailed:
			rep.Calls++
			rep.Failed++
		}
		if items[i].Type == "spam" { // excluded from the rates, as in eval
			continue
		}
		warned := it.res.Verdict.Level.AtLeast(classifier.LevelSuspicious)
		switch items[i].Label {
		case "scam":
			rep.scams++
			if warned {
				rep.scamsWarned++
			}
		case "legit":
			rep.legit++
			if warned {
				rep.legitWarned++
			}
		}
	}
	rep.finish(judge.Enabled())
	return rep, nil
}

// judgeItem replays one conversation message by message.
func judgeItem(ctx context.Context, c *classifier.Classifier, judge *llm.Judge, cfg llm.Config, item *eval.Item) llmItem {
	var it llmItem
	state := classifier.NewState()
	window := make([]classifier.Message, 0, len(item.Messages))
	lastEvidence := ""
	for _, m := range item.Messages {
		msg := classifier.Message{From: classifier.SpeakerOther, Text: m.Text}
		if m.From == "user" {
			msg.From = classifier.SpeakerUser
		}
		window = append(window, msg)
		c.Observe(state, msg)
		v := c.Verdict(state)
		it.final = v
		if gated, _ := cfg.Gate(v); gated {
			if evidence := llm.Evidence(v); evidence != lastEvidence {
				lastEvidence = evidence
				it.messagesToLLM++
			}
		}
	}
	it.gated, _ = cfg.Gate(it.final)
	it.res = judge.Review(ctx, llm.Request{Verdict: it.final, Window: window, User: "eval"})
	return it
}
