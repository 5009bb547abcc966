package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/eval"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/llm/llmtest"
)

const greyConversation = "Hello, this is your bank. Your account shows unusual activity.\nPlease confirm your details on our secure page\n"

var fakeAnswer = llmtest.Answer{
	IsScam: true, Level: "scam", Type: "bank_impersonation_safe_account", Stage: "credibility",
	Reasons: []string{"Banks never send you a page to confirm your details."}, Confidence: 0.9,
}

// withLLM points the environment at srv ("" for no LLM) for one test.
func withLLM(t *testing.T, baseURL string) {
	t.Setenv(llm.EnvAPIKey, "")
	t.Setenv(llm.EnvBaseURL, baseURL)
	t.Setenv(llm.EnvTimeout, "2s")
}

func TestCheckAsksTheLLMInTheGreyZone(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(fakeAnswer))
	withLLM(t, srv.URL)
	code, out, errOut := runCLI(t, greyConversation, "check", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got checkOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Verdict != "scam" || got.LLM != "answered" || len(got.Engines) != 2 || !strings.Contains(got.Warning, "Banks never send you a page") {
		t.Errorf("verdict %s llm %q engines %v\n%s", got.Verdict, got.LLM, got.Engines, got.Warning)
	}
	if errOut != "" || srv.Calls() != 1 {
		t.Errorf("stderr %q, %d calls", errOut, srv.Calls())
	}
	// --no-llm: heuristics only, no call, no notice.
	code, out, errOut = runCLI(t, greyConversation, "check", "--json", "--no-llm")
	got = checkOutput{}
	json.Unmarshal([]byte(out), &got)
	if code != 0 || got.Verdict != "suspicious" || got.LLM != "" || errOut != "" || srv.Calls() != 1 {
		t.Errorf("--no-llm: exit %d verdict %s llm %q stderr %q calls %d", code, got.Verdict, got.LLM, errOut, srv.Calls())
	}
}

func TestCheckWithAFailingLLMAnswersWithTheHeuristics(t *testing.T) {
	srv := llmtest.NewServer(t, func(llmtest.Request) llmtest.Reply { return llmtest.Completion("") })
	withLLM(t, srv.URL)
	code, out, _ := runCLI(t, greyConversation, "check", "--json")
	var got checkOutput
	json.Unmarshal([]byte(out), &got)
	if code != 0 || got.Verdict != "suspicious" || got.LLM != "failed" || got.Warning == "" {
		t.Errorf("exit %d verdict %s llm %q", code, got.Verdict, got.LLM)
	}
}

func TestCheckSaysOnceThatTheLLMIsOff(t *testing.T) {
	withLLM(t, "")
	batch := strings.Repeat(`{"id":1,"messages":[{"from":"other","text":"Hello, this is your bank. Your account shows unusual activity."}]}`+"\n", 3)
	code, _, errOut := runCLI(t, batch, "check", "--batch")
	if code != 0 || strings.Count(errOut, "heuristics only") != 1 {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	// Said at start, whatever the case; --no-llm is deliberate and needs no note.
	if code, _, errOut := runCLI(t, "您好，请问还有什么可以帮您", "check"); code != 0 || strings.Count(errOut, "heuristics only") != 1 {
		t.Errorf("clear case: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "您好，请问还有什么可以帮您", "check", "--no-llm"); code != 0 || errOut != "" {
		t.Errorf("--no-llm: exit %d, stderr %q", code, errOut)
	}
	t.Setenv(llm.EnvTimeout, "never")
	if code, _, errOut := runCLI(t, "hi", "check"); code != 2 || !strings.Contains(errOut, llm.EnvTimeout) {
		t.Errorf("bad env: exit %d stderr %q", code, errOut)
	}
}

func TestEvalReportsWhatEachStageDid(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(fakeAnswer))
	withLLM(t, srv.URL)
	corpus := filepath.Join(t.TempDir(), "mini.jsonl")
	lines := []string{
		`{"id":"a","lang":"en","label":"scam","type":"bank","messages":[{"from":"other","text":"Hello, this is your bank. Your account shows unusual activity."},{"from":"other","text":"Please confirm your details on our secure page"}]}`,
		`{"id":"b","lang":"en","label":"legit","type":"","messages":[{"from":"user","text":"Where is my parcel?"},{"from":"other","text":"It arrives today."}]}`,
	}
	os.WriteFile(corpus, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	code, out, errOut := runCLI(t, "", "eval", "--json", corpus)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var reports []eval.Report
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatal(err)
	}
	all := reports[len(reports)-1]
	want := []eval.StageReport{
		{Name: detect.NameHeuristics, Raised: 1, Kept: 1},
		{Name: detect.NameFingerprints, Skipped: 2},
		// The grey bank message goes to the model, which raises it to
		// scam; the parcel question stays below the zone.
		{Name: detect.NameLLM, Raised: 1, Skipped: 1, Calls: 1},
	}
	if len(all.Stages) != len(want) {
		t.Fatalf("stages %+v, want %+v", all.Stages, want)
	}
	for i, w := range want {
		got := all.Stages[i]
		got.CallRate = nil
		if got != w {
			t.Errorf("stage %d: %+v, want %+v", i, got, w)
		}
	}
	if rate := all.Stages[2].CallRate; rate == nil || *rate != 0.5 {
		t.Errorf("LLM call rate %v, want 0.5", rate)
	}
	// The measures are those of the verdicts users get: the LLM's.
	if all.ScamsAtScam != 1 || *all.Recall != 1 || *all.FalseAlarm != 0 || srv.Calls() != 1 {
		t.Errorf("report %+v after %d calls", all, srv.Calls())
	}
	code, out, _ = runCLI(t, "", "eval", "--no-llm", corpus)
	if code != 0 || !regexp.MustCompile(`mini.jsonl +llm +0 +0 +0 +2 +0 +0 +0.0%`).MatchString(out) {
		t.Errorf("table:\n%s", out)
	}
}

func TestEvalListsErrors(t *testing.T) {
	withLLM(t, "")
	corpus := filepath.Join(t.TempDir(), "errs.jsonl")
	lines := []string{
		`{"id":"miss1","lang":"en","label":"scam","type":"romance","messages":[{"from":"other","text":"Good morning dear, did you sleep well?"}]}`,
		`{"id":"miss2","lang":"en","label":"scam","type":"romance","messages":[{"from":"other","text":"I dreamt of you last night."}]}`,
		`{"id":"caught","lang":"en","label":"scam","type":"gift_card","messages":[{"from":"other","text":"This is Apple support. Buy two Apple gift cards and read me the codes now or your account is closed."}]}`,
		`{"id":"alarm","lang":"en","label":"legit","type":"","messages":[{"from":"other","text":"This is Apple support. Buy two Apple gift cards and read me the codes now or your account is closed."}]}`,
		`{"id":"calm","lang":"en","label":"legit","type":"","messages":[{"from":"other","text":"Your parcel arrives today."}]}`,
	}
	os.WriteFile(corpus, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	code, out, errOut := runCLI(t, "", "eval", "--no-llm", "--errors", "1", corpus)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var listed []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " missed scam ") || strings.Contains(line, " false alarm ") {
			listed = append(listed, line)
		}
	}
	// One of each per file (N=1), the file's rows only, not the total's.
	if len(listed) != 2 || !strings.HasPrefix(listed[0], "errs.jsonl missed scam miss1 (romance) score=") ||
		!strings.HasPrefix(listed[1], "errs.jsonl false alarm alarm () score=") {
		t.Fatalf("listed errors:\n%s\nwhole output:\n%s", strings.Join(listed, "\n"), out)
	}
	// A false alarm names its signals with where they matched.
	if !regexp.MustCompile(`@0\[[^]]*(gift card|codes)[^]]*\]`).MatchString(listed[1]) {
		t.Errorf("the false alarm lists no signal: %s", listed[1])
	}
	if _, out, _ := runCLI(t, "", "eval", "--no-llm", corpus); strings.Contains(out, " missed scam ") {
		t.Errorf("errors listed without --errors:\n%s", out)
	}
}
