package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCheckJSONContract(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--json", "../../examples/refund-scam.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"verdict", "score", "type", "stage", "brand", "first_alert_index", "signals", "verify", "warning", "engines"} {
		if _, ok := got[key]; !ok {
			t.Errorf("missing %q in %s", key, out)
		}
	}
	if got["verdict"] != "scam" {
		t.Errorf("founding scenario verdict = %v, want scam", got["verdict"])
	}
	if got["brand"] != "cn_taobao_tmall" {
		t.Errorf("brand = %v, want cn_taobao_tmall", got["brand"])
	}
	signals, _ := got["signals"].([]any)
	if len(signals) == 0 {
		t.Fatalf("no signals")
	}
	text, _ := os.ReadFile("../../examples/refund-scam.txt")
	for _, s := range signals {
		m := s.(map[string]any)
		if !strings.Contains(string(text), m["match"].(string)) {
			t.Errorf("signal match %q is not original text", m["match"])
		}
	}
	verify, _ := got["verify"].([]any)
	found96110 := false
	for _, v := range verify {
		if v.(map[string]any)["value"] == "96110" {
			found96110 = true
		}
	}
	if !found96110 {
		t.Errorf("verify lacks 96110: %v", verify)
	}
}

func TestCheckFlagsAfterFileAndStdin(t *testing.T) {
	code, out, _ := runCLI(t, "您好，我是淘宝客服\n您的芝麻信用分太低，需要在借呗借款刷流水\n", "check", "-", "--json", "--lang", "en")
	if code != 0 || !strings.Contains(out, `"verdict"`) {
		t.Fatalf("exit %d, output %s", code, out)
	}
	var got struct{ Warning string }
	json.Unmarshal([]byte(out), &got)
	if !strings.Contains(got.Warning, "Verify through") {
		t.Errorf("--lang en not applied: %s", got.Warning)
	}
}

func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "bin")
	os.WriteFile(binary, []byte{0xff, 0xfe, 0x00, 0x01}, 0o644)
	tests := []struct {
		name, stdin string
		args        []string
		wantErr     string
	}{
		{"empty", "", []string{"check"}, "empty input"},
		{"binary", "", []string{"check", binary}, "not UTF-8"},
		{"missing file", "", []string{"check", filepath.Join(dir, "nope")}, "no such file"},
		{"bad json", `{"messages":[{"from":"other","text":1}]}`, []string{"check", "--json"}, "must not be a JSON number"},
		{"bad lang", "hi", []string{"check", "--lang", "fr"}, "--lang must be"},
		{"batch bad line", "{\"id\":1,\"messages\":[{\"text\":\"a\"}]}\nnot json\n", []string{"check", "--batch"}, "stdin line 2"},
		{"unknown command", "", []string{"frobnicate"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.stdin, tt.args...)
			// The note that no LLM is configured comes first when the
			// work started; the error is the one line after it.
			if _, after, found := strings.Cut(errOut, heuristicsOnly+"\n"); found {
				errOut = after
			}
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut, tt.wantErr) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 && tt.name != "unknown command" {
				t.Errorf("stderr %q, want one line containing %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestCheckBatchKeepsOrderAndIDs(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--batch", "../../examples/batch.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	wantIDs := []string{"refund-scam", "honest", "sms"}
	if len(lines) != len(wantIDs) {
		t.Fatalf("%d lines, want %d", len(lines), len(wantIDs))
	}
	for i, line := range lines {
		var got struct {
			ID      string `json:"id"`
			Verdict string `json:"verdict"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatal(err)
		}
		if got.ID != wantIDs[i] {
			t.Errorf("line %d id %q, want %q", i, got.ID, wantIDs[i])
		}
	}
}

func TestCheckHostileInputIsBounded(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		b.WriteString("您好，请问还有什么可以帮您\n")
	}
	b.WriteString(strings.Repeat("礼品卡", 1<<20) + "\n")
	code, out, errOut := runCLI(t, b.String(), "check", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Signals []any `json:"signals"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Signals) > 200 {
		t.Errorf("%d signals reported for a repeated phrase: output not bounded", len(got.Signals))
	}
}

func TestCheckTraditionalConversationGetsTraditionalReply(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--json", "../../examples/bank-scam-hant.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Verdict string `json:"verdict"`
		Type    string `json:"type"`
		Warning string `json:"warning"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Verdict != "scam" || got.Type != "impersonate_police_government" && got.Type != "bank_impersonation_safe_account" {
		t.Errorf("verdict %s type %s, want scam with a safe-account type", got.Verdict, got.Type)
	}
	if !strings.Contains(got.Warning, "詐騙") {
		t.Errorf("reply is not in Traditional characters:\n%s", got.Warning)
	}
}

// --show-turns shows a pasted transcript as the turns the classifier reads.
func TestShowTurnsOfAPaste(t *testing.T) {
	paste := `{"messages":[{"from":"other","text":"客服：您好，我是淘宝理赔中心\n我：怎么了"}]}`
	code, out, errOut := runCLI(t, paste, "check", "--no-llm", "--show-turns", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "other: 您好，我是淘宝理赔中心\nuser: 怎么了\n\n") {
		t.Fatalf("turns not shown as the classifier reads them:\n%s", out)
	}
}
