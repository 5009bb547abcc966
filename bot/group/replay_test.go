package group

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// corpusDir holds the labelled conversations (see ../shared/data/corpus).
const corpusDir = "../../../shared/data/corpus"

// maxGroupFalseWarningRate is the target: at most 0.5% of legit
// conversations replayed as group traffic get a warning.
const maxGroupFalseWarningRate = 0.005

type corpusConversation struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Messages []struct {
		From string `json:"from"`
		Text string `json:"text"`
	} `json:"messages"`
}

// replayGroup plays one conversation as a family group's traffic, one
// message a minute, through the classifier and the policy the bot uses
// (groupSpeaker, groupPolicy with the default settings and cool-down, the
// thread reset and the hourly budget), and returns how many warnings the
// group would have got.
func replayGroup(c *classifier.Classifier, policy groupPolicy, perHour int, conv corpusConversation) (warnings int, peak classifier.Level) {
	state := classifier.NewState()
	start := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	var warnedAt time.Time
	var warnedLevel classifier.Level
	var sent []time.Time
	index := 0
	peak = classifier.LevelNone
	for i, m := range conv.Messages {
		now := start.Add(time.Duration(i) * time.Minute)
		before := c.Verdict(state).Level
		if index >= threadMessagesNone && before == classifier.LevelNone {
			state, index, warnedAt, warnedLevel = classifier.NewState(), 0, time.Time{}, ""
			before = classifier.LevelNone
		}
		c.Observe(state, classifier.Message{From: groupSpeaker(nil), Text: m.Text})
		verdict := c.Verdict(state)
		if verdict.Level.AtLeast(peak) {
			peak = verdict.Level
		}
		moment := groupMoment{Verdict: verdict, Before: before, Index: index, Settings: store.Settings{},
			WarnedAt: warnedAt, WarnedLevel: warnedLevel, Now: now}
		index++
		if !policy.shouldWarn(moment) {
			continue
		}
		recent := 0
		for _, at := range sent {
			if now.Sub(at) < time.Hour {
				recent++
			}
		}
		if recent >= perHour {
			continue
		}
		sent = append(sent, now)
		warnedAt, warnedLevel = now, verdict.Level
	}
	return len(sent), peak
}

func TestGroupFalseWarningRateOnCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.jsonl"))
	if len(files) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("no corpus in %s", corpusDir)
		}
		t.Skipf("no corpus in %s", corpusDir)
	}
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := classifier.Default(cat.ImpersonableBrands())
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{}.withDefaults()
	policy := groupPolicy{Cooldown: cfg.Cooldown}
	var legit, falseWarned, scams, caught, warnings, maxWarnings, scamLevel int
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(f)
		lines.Buffer(make([]byte, 1<<20), 16<<20)
		fileLegit, fileFalse := 0, 0
		for lines.Scan() {
			var conv corpusConversation
			if err := json.Unmarshal(lines.Bytes(), &conv); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			n, peak := replayGroup(c, policy, cfg.WarningsPerHour, conv)
			switch conv.Label {
			case "legit":
				legit++
				fileLegit++
				if n > 0 {
					falseWarned++
					fileFalse++
					if testing.Verbose() {
						t.Logf("false warning: %s", conv.ID)
					}
				}
			case "scam":
				scams++
				warnings += n
				maxWarnings = max(maxWarnings, n)
				if peak == classifier.LevelScam {
					scamLevel++
				}
				if n > 0 {
					caught++
				}
			}
		}
		f.Close()
		if err := lines.Err(); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if fileLegit > 0 {
			t.Logf("%s: %d/%d legit conversations warned", filepath.Base(file), fileFalse, fileLegit)
		}
	}
	if legit == 0 {
		t.Fatal("the corpus holds no legit conversation")
	}
	rate := float64(falseWarned) / float64(legit)
	t.Logf("group false-warning rate: %d/%d legit conversations = %.2f%% (target ≤ %.1f%%)", falseWarned, legit, 100*rate, 100*maxGroupFalseWarningRate)
	if scams > 0 {
		t.Logf("group warning recall: %d/%d scam conversations = %.1f%% (%d reached the scam level at all); %.2f warnings per scam conversation on average, at most %d",
			caught, scams, 100*float64(caught)/float64(scams), scamLevel, float64(warnings)/float64(scams), maxWarnings)
	}
	if rate > maxGroupFalseWarningRate {
		t.Errorf("false-warning rate %.2f%% is above the %.1f%% target", 100*rate, 100*maxGroupFalseWarningRate)
	}
}

func TestGroupPolicy(t *testing.T) {
	now := time.Now()
	scamAsk := classifier.Verdict{Level: classifier.LevelScam, Signals: []classifier.Hit{
		{Role: classifier.RoleMoneyMove, MessageIndex: 5, Act: classifier.ActAssert, Weight: 0.9}}}
	suspicious := classifier.Verdict{Level: classifier.LevelSuspicious}
	policy := groupPolicy{Cooldown: 10 * time.Minute}
	cases := []struct {
		name string
		m    groupMoment
		want bool
	}{
		{"level reaches scam", groupMoment{Verdict: classifier.Verdict{Level: classifier.LevelScam}, Before: classifier.LevelSuspicious, Index: 3, Now: now}, true},
		{"suspicious is quiet by default", groupMoment{Verdict: suspicious, Before: classifier.LevelNone, Index: 3, Now: now}, false},
		{"suspicious warns at high sensitivity", groupMoment{Verdict: suspicious, Before: classifier.LevelNone, Index: 3, Settings: store.Settings{Sensitivity: "high"}, Now: now}, true},
		{"quiet group", groupMoment{Verdict: scamAsk, Before: classifier.LevelNone, Index: 5, Settings: store.Settings{Quiet: true}, Now: now}, false},
		{"benign message after a scam", groupMoment{Verdict: scamAsk, Before: classifier.LevelScam, Index: 6, Now: now}, false},
		{"new ask within the cool-down", groupMoment{Verdict: scamAsk, Before: classifier.LevelScam, Index: 5,
			WarnedAt: now.Add(-time.Minute), WarnedLevel: classifier.LevelScam, Now: now}, false},
		{"new ask after the cool-down", groupMoment{Verdict: scamAsk, Before: classifier.LevelScam, Index: 5,
			WarnedAt: now.Add(-11 * time.Minute), WarnedLevel: classifier.LevelScam, Now: now}, true},
		{"level rises within the cool-down", groupMoment{Verdict: scamAsk, Before: classifier.LevelSuspicious, Index: 5,
			Settings: store.Settings{Sensitivity: "high"}, WarnedAt: now.Add(-time.Minute), WarnedLevel: classifier.LevelSuspicious, Now: now}, true},
		{"an edit without a rise", groupMoment{Verdict: scamAsk, Before: classifier.LevelScam, Index: -1, Now: now}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := policy.shouldWarn(tc.m); got != tc.want {
				t.Errorf("shouldWarn = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGroupTextsAreComplete(t *testing.T) {
	if _, err := loadTexts(); err != nil {
		t.Fatal(err)
	}
}
