package bot_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/llm/llmtest"
)

// greyCourier is a lost-parcel compensation offer: suspicious to the
// heuristics, not yet a scam.
const greyCourier = "您好，这里是顺丰快递，您的快递丢失了，我们要给您三倍理赔"

const explanation = "快递公司不会主动联系要求你在第三方办理理赔"

func TestGreyZoneAsksTheLLMOnceAndExplains(t *testing.T) {
	t.Parallel()
	model := llmtest.NewServer(t, llmtest.Answering(llmtest.Answer{
		IsScam: true, Level: "scam", Stage: "open", Reasons: []string{explanation}, Confidence: 0.9,
	}))
	h := newHarness(t)
	h.enableLLM(model.URL, 5*time.Second)
	h.start()
	const chat = 9001
	h.forwardBurst(chat, greyCourier)
	sent := h.waitSent(chat, 1)
	if model.Calls() != 1 {
		t.Fatalf("%d LLM calls for one grey-zone burst, want 1", model.Calls())
	}
	contains(t, h.fullText(chat, sent[0]), headlineScamZh, explanation)
	request := model.Requests()[0]
	if !strings.Contains(request.User, "顺丰") {
		t.Errorf("the conversation was not sent to the model: %.300q", request.User)
	}
	// A clear case is not sent.
	h.forwardBurst(chat+1, foundingScam...)
	h.waitSent(chat+1, 1)
	if model.Calls() != 1 {
		t.Errorf("a hard stop was sent to the LLM (%d calls)", model.Calls())
	}
}

func TestLLMDownStillAnswersWithTheHeuristicVerdict(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: connection refused.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + listener.Addr().String() + "/v1"
	listener.Close()
	h := newHarness(t)
	h.enableLLM(dead, 2*time.Second)
	h.start()
	const chat = 9003
	h.forwardBurst(chat, greyCourier)
	sent := h.waitSent(chat, 1)
	if strings.Contains(sent[0].Params["text"], headlineScamZh) || strings.Contains(sent[0].Params["text"], explanation) {
		t.Errorf("with the LLM down the answer should be the heuristic one:\n%s", sent[0].Params["text"])
	}
	if metrics := h.get(t, "/metrics"); !strings.Contains(metrics, `scamguard_llm_reviews_total{outcome="failed"} 1`) {
		t.Error("the failed LLM review is not counted")
	}
}
