// Package eval scores the detection pipeline (package detect, the same one
// users get) against labelled corpora (the schema of ../shared/data/corpus):
// recall, false alarms, precision, early warning, speed and what each stage
// contributed, per file and overall.
package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
)

// Item is one labelled conversation of a corpus file.
type Item struct {
	ID     string `json:"id"`
	Lang   string `json:"lang"`
	Label  string `json:"label"` // "scam" or "legit"
	Type   string `json:"type"`
	WarnBy *int   `json:"warn_by"`
	// Frame is the frame the conversation is written in (live, retold,
	// warning, question), when the corpus says; empty means live.
	Frame string `json:"frame"`
	// Tags are the corpus's free labels ("pasted", "hard_negative").
	Tags     []string `json:"tags"`
	Messages []struct {
		From string `json:"from"`
		Text string `json:"text"`
	} `json:"messages"`
}

// excludedType marks items that are neither scam nor legit for the rates:
// marketing spam in en-sms-mendeley.
const excludedType = "spam"

// Result is the outcome for one item, kept for the error listing.
type Result struct {
	Item    *Item
	Verdict classifier.Verdict
}

// Report holds the measures of one file, or of all files together.
type Report struct {
	File     string `json:"file"`
	Items    int    `json:"items"`
	Excluded int    `json:"excluded"`
	Scams    int    `json:"scams"`
	Legit    int    `json:"legit"`
	Messages int    `json:"messages"`
	// ScamsWarned are scams with a verdict of suspicious or scam;
	// ScamsAtScam those at scam level (what families and guardians hear).
	ScamsWarned int `json:"scams_warned"`
	ScamsAtScam int `json:"scams_at_scam"`
	// LegitWarned are legit items with any warning; LegitScam those at scam level.
	LegitWarned int `json:"legit_warned"`
	LegitScam   int `json:"legit_scam"`
	// EarlyEligible are scams with warn_by; EarlyHit those warned at or before it.
	EarlyEligible int `json:"early_eligible"`
	EarlyHit      int `json:"early_hit"`
	// Framed are items whose corpus names a frame; FrameHit those whose
	// verdict saw the same frame.
	Framed   int `json:"framed"`
	FrameHit int `json:"frame_hit"`

	Recall        *float64 `json:"recall"`
	ScamRecall    *float64 `json:"scam_level_recall"`
	FalseAlarm    *float64 `json:"false_alarm_rate"`
	FalseAlarmHit *float64 `json:"false_alarm_rate_scam_level"`
	Precision     *float64 `json:"precision"`
	F1            *float64 `json:"f1"`
	EarlyRate     *float64 `json:"early_warning_rate"`
	FrameRate     *float64 `json:"frame_accuracy"`

	Seconds           float64 `json:"seconds"`
	ConversationsPerS float64 `json:"conversations_per_second"`
	MessagesPerS      float64 `json:"messages_per_second"`

	// Stages is what each stage of the pipeline did, in pipeline order.
	Stages []StageReport `json:"stages"`

	// Misses are scams not warned; FalseAlarms legit items warned.
	Misses      []Result `json:"-"`
	FalseAlarms []Result `json:"-"`
}

// ReadFile reads a corpus file (JSON Lines).
func ReadFile(path string) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f, path)
}

func read(r io.Reader, name string) ([]Item, error) {
	var items []Item
	reader := bufio.NewReaderSize(r, 1<<20)
	for line := 1; ; line++ {
		data, err := reader.ReadBytes('\n')
		if len(data) > 0 && len(bytes.TrimSpace(data)) > 0 {
			var item Item
			if jerr := json.Unmarshal(data, &item); jerr != nil {
				return nil, fmt.Errorf("%s line %d: %v", name, line, jerr)
			}
			if item.Label != "scam" && item.Label != "legit" {
				return nil, fmt.Errorf("%s line %d: label %q is neither scam nor legit", name, line, item.Label)
			}
			items = append(items, item)
		}
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
}

// StageReport counts what one stage did to the verdicts of a file: how
// many it raised, lowered, kept, skipped or failed on, and how often it
// called an outside service (the LLM).
type StageReport struct {
	Name     string   `json:"name"`
	Raised   int      `json:"raised"`
	Lowered  int      `json:"lowered"`
	Kept     int      `json:"kept"`
	Skipped  int      `json:"skipped"`
	Failed   int      `json:"failed"`
	Calls    int      `json:"calls"`
	CallRate *float64 `json:"call_rate"`
}

// Run judges every item of every file with p and returns one report per
// file followed by the overall report. workers is how many items are
// judged at once; 0 means one per core (an LLM waits on the network, so
// more pay off then).
func Run(ctx context.Context, p *detect.Pipeline, files []string, workers int) ([]Report, error) {
	var reports []Report
	total := Report{File: "all"}
	for _, path := range files {
		items, err := ReadFile(path)
		if err != nil {
			return nil, err
		}
		if err := applyAnnotations(path, items); err != nil {
			return nil, err
		}
		rep := Evaluate(ctx, p, items, workers)
		rep.File = filepath.Base(path)
		total.add(&rep)
		reports = append(reports, rep)
	}
	total.finish()
	return append(reports, total), nil
}

// Evaluate judges items with p (workers at once; 0: one per core) and
// measures.
func Evaluate(ctx context.Context, p *detect.Pipeline, items []Item, workers int) Report {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]detect.Result, len(items))
	convs := make([]classifier.Conversation, len(items))
	for i := range items {
		convs[i] = toConversation(&items[i])
	}
	started := time.Now()
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = p.Run(ctx, detect.Request{Messages: convs[i].Messages, User: "eval"})
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(started).Seconds()

	rep := Report{Stages: make([]StageReport, 0, len(p.Names()))}
	for _, name := range p.Names() {
		rep.Stages = append(rep.Stages, StageReport{Name: name})
	}
	for i := range items {
		rep.count(&items[i], results[i].Verdict)
		rep.countStages(results[i].Stages)
	}
	rep.Seconds = elapsed
	rep.finish()
	return rep
}

func toConversation(item *Item) classifier.Conversation {
	conv := classifier.Conversation{Messages: make([]classifier.Message, len(item.Messages))}
	for i, m := range item.Messages {
		from := classifier.SpeakerOther
		if m.From == "user" {
			from = classifier.SpeakerUser
		}
		conv.Messages[i] = classifier.Message{From: from, Text: m.Text}
	}
	return conv
}

func (r *Report) count(item *Item, v classifier.Verdict) {
	r.Items++
	r.Messages += len(item.Messages)
	if item.Type == excludedType {
		r.Excluded++
		return
	}
	warned := v.Level.AtLeast(classifier.LevelSuspicious)
	res := Result{Item: item, Verdict: v}
	if item.Frame != "" {
		r.Framed++
		if string(v.Frame) == item.Frame {
			r.FrameHit++
		}
	}
	switch item.Label {
	case "scam":
		r.Scams++
		if v.Level == classifier.LevelScam {
			r.ScamsAtScam++
		}
		if warned {
			r.ScamsWarned++
		} else {
			r.Misses = append(r.Misses, res)
		}
		if item.WarnBy != nil {
			r.EarlyEligible++
			if v.FirstAlertIndex >= 0 && v.FirstAlertIndex <= *item.WarnBy {
				r.EarlyHit++
			}
		}
	case "legit":
		r.Legit++
		if warned {
			r.LegitWarned++
			r.FalseAlarms = append(r.FalseAlarms, res)
		}
		if v.Level == classifier.LevelScam {
			r.LegitScam++
		}
	}
}

// countStages tallies one result's stage records.
func (r *Report) countStages(records []detect.Record) {
	for i, rec := range records {
		s := &r.Stages[i]
		switch rec.Outcome {
		case detect.Raised:
			s.Raised++
		case detect.Lowered:
			s.Lowered++
		case detect.Kept:
			s.Kept++
		case detect.Skipped:
			s.Skipped++
		case detect.Failed:
			s.Failed++
		}
		if rec.Called {
			s.Calls++
		}
	}
}

func (r *Report) add(o *Report) {
	if r.Stages == nil {
		r.Stages = make([]StageReport, len(o.Stages))
		for i, s := range o.Stages {
			r.Stages[i].Name = s.Name
		}
	}
	for i, s := range o.Stages {
		t := &r.Stages[i]
		t.Raised += s.Raised
		t.Lowered += s.Lowered
		t.Kept += s.Kept
		t.Skipped += s.Skipped
		t.Failed += s.Failed
		t.Calls += s.Calls
	}
	r.Items += o.Items
	r.Excluded += o.Excluded
	r.Scams += o.Scams
	r.Legit += o.Legit
	r.Messages += o.Messages
	r.ScamsWarned += o.ScamsWarned
	r.ScamsAtScam += o.ScamsAtScam
	r.Framed += o.Framed
	r.FrameHit += o.FrameHit
	r.LegitWarned += o.LegitWarned
	r.LegitScam += o.LegitScam
	r.EarlyEligible += o.EarlyEligible
	r.EarlyHit += o.EarlyHit
	r.Seconds += o.Seconds
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	x := float64(n) / float64(d)
	return &x
}

func (r *Report) finish() {
	r.Recall = ratio(r.ScamsWarned, r.Scams)
	r.ScamRecall = ratio(r.ScamsAtScam, r.Scams)
	r.FrameRate = ratio(r.FrameHit, r.Framed)
	r.FalseAlarm = ratio(r.LegitWarned, r.Legit)
	r.FalseAlarmHit = ratio(r.LegitScam, r.Legit)
	r.Precision = ratio(r.ScamsWarned, r.ScamsWarned+r.LegitWarned)
	r.EarlyRate = ratio(r.EarlyHit, r.EarlyEligible)
	for i := range r.Stages {
		r.Stages[i].CallRate = ratio(r.Stages[i].Calls, r.Items)
	}
	if r.Recall != nil && r.Precision != nil && *r.Recall+*r.Precision > 0 {
		f1 := 2 * *r.Recall * *r.Precision / (*r.Recall + *r.Precision)
		r.F1 = &f1
	}
	if r.Seconds > 0 {
		r.ConversationsPerS = float64(r.Items) / r.Seconds
		r.MessagesPerS = float64(r.Messages) / r.Seconds
	}
}

// applyAnnotations reads the sidecar annotations/<name>.fraud-flags.jsonl
// next to a corpus file, when there is one, and uses each item's first
// fraudulent message from the other party as its warn_by: the early-warning
// measure then asks whether the alert came no later than the scam itself.
func applyAnnotations(path string, items []Item) error {
	name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
	sidecar := filepath.Join(filepath.Dir(path), "annotations", name+".fraud-flags.jsonl")
	data, err := os.ReadFile(sidecar)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	first := map[string]int{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var a struct {
			ID    string `json:"id"`
			First *int   `json:"first_fraud_message_from_other"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			return fmt.Errorf("%s line %d: %v", sidecar, i+1, err)
		}
		if a.First != nil {
			first[a.ID] = *a.First
		}
	}
	for i := range items {
		if f, ok := first[items[i].ID]; ok && items[i].WarnBy == nil && items[i].Label == "scam" {
			items[i].WarnBy = &f
		}
	}
	return nil
}
