// Package eval scores the classifier against labelled corpora (the schema of
// ../shared/data/corpus): recall, false alarms, precision, early warning and
// speed, per file and overall.
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

// Run classifies every item of every file and returns one report per file
// followed by the overall report.
func Run(ctx context.Context, c *classifier.Classifier, files []string) ([]Report, error) {
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
		rep := Evaluate(ctx, c, items)
		rep.File = filepath.Base(path)
		total.add(&rep)
		reports = append(reports, rep)
	}
	total.finish()
	return append(reports, total), nil
}

// Evaluate classifies items (in parallel, one worker per core) and measures.
func Evaluate(ctx context.Context, c *classifier.Classifier, items []Item) Report {
	verdicts := make([]classifier.Verdict, len(items))
	convs := make([]classifier.Conversation, len(items))
	for i := range items {
		convs[i] = toConversation(&items[i])
	}
	started := time.Now()
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				verdicts[i] = c.Classify(ctx, convs[i])
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(started).Seconds()

	var rep Report
	for i := range items {
		rep.count(&items[i], verdicts[i])
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

func (r *Report) add(o *Report) {
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
