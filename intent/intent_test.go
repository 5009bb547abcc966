package intent

import (
	"strings"
	"testing"
)

func newReader(t *testing.T) *Reader {
	t.Helper()
	r, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func TestLoss(t *testing.T) {
	r := newReader(t)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"card codes sent", "我已经把卡密发给他了，怎么办？", []string{LossCards}},
		{"cards bought, object said before", "他让我买礼品卡，我已经买了三张", []string{LossCards}},
		{"Traditional cards", "我已經買了禮品卡，也把卡號給他了", []string{LossCards}},
		{"code given", "我刚才把验证码告诉他了", []string{LossCode}},
		{"code given, Traditional", "我剛剛把驗證碼告訴對方了", []string{LossCode}},
		{"money transferred", "我已经转账了5000块，还能追回吗", []string{LossPayment}},
		{"money sent, Traditional", "我匯款了三萬", []string{LossPayment}},
		{"borrowed for them", "我在借呗借了两万转给他了", []string{LossPayment}},
		{"screen shared", "我已经共享屏幕了", []string{LossScreen}},
		{"app installed", "我下载了他发的会议软件", []string{LossScreen}},
		{"two losses", "我装了那个App，还把验证码告诉他了", []string{LossCode, LossScreen}},
		{"en paid", "I already paid them £500", []string{LossPayment}},
		{"en gift cards", "I bought the gift cards and sent him the codes", []string{LossCards}},
		{"en code", "I gave him the code from the text", []string{LossCode}},
		{"en remote access", "I installed AnyDesk like he said", []string{LossScreen}},
		{"en mum transferred", "My mum transferred £2,000 to their safe account", []string{LossPayment}},
		{"Cantonese transferred", "我已經轉咗錢俾佢，點算好？", []string{LossPayment}},
		{"Cantonese paid in", "我啱啱過咗數俾佢", []string{LossPayment}},
		{"Cantonese code", "我將驗證碼講咗俾佢聽", []string{LossCode}},
		{"Cantonese not yet", "我仲未轉錢，使唔使報警？", nil},
		{"Cantonese demand relayed", "佢叫我俾咗錢先", nil},
		{"not yet", "我还没转账", nil},
		{"refused", "我没有把验证码告诉他", nil},
		{"a question about doing it", "他让我买礼品卡，我要不要买？", nil},
		{"relayed demand", "客服让我把验证码发给他", nil},
		{"demand itself", "请把验证码告诉我", nil},
		{"scammer says he paid me", "他说已经转给我了", nil},
		{"en should I", "Should I pay the fee?", nil},
		{"en demand", "Read me the code we just sent", nil},
		{"en refusal", "I didn't give them the code", nil},
		{"en received", "He sent me a link", nil},
		{"en conditional", "If I pay, will I get the refund?", nil},
		{"plain scam text", "您好，我是淘宝客服，您的快递丢了", nil},
		{"greeting", "你好", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Loss(tt.text)
			if strings.Join(got.Kinds, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Loss(%q) = %q (clause %q), want %q", tt.text, got.Kinds, got.Clause, tt.want)
			}
			if got.Reported() != (len(tt.want) > 0) {
				t.Errorf("Reported() = %v", got.Reported())
			}
		})
	}
}

func TestIsGreeting(t *testing.T) {
	r := newReader(t)
	tests := []struct {
		text string
		want bool
	}{
		{"你好", true},
		{"您好！", true},
		{"你好，在吗？", true},
		{"Hi", true},
		{"hello there", false},
		{"hey!!", true},
		{"Good morning 🙂", true},
		{"你好，我是淘宝客服", false},
		{"hi, I'm from Amazon support", false},
		{"", false},
		{"   ", false},
	}
	for _, tt := range tests {
		if got := r.IsGreeting(tt.text); got != tt.want {
			t.Errorf("IsGreeting(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestPhrasesAreChecked(t *testing.T) {
	valid := `greetings: [hi]
loss:
  completion: [了]
  not_done: [没]
  kinds:
    cards: {verbs: [买], objects: [礼品卡], needs_object: true}
    code: {verbs: [给], objects: [验证码], needs_object: true}
    screen: {verbs: [装], objects: [软件], needs_object: true}
    payment: {verbs: [转账], objects: [], needs_object: false}
`
	if _, err := parse([]byte(valid)); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	for name, bad := range map[string]string{
		"unknown field":    valid + "colour: red\n",
		"missing kind":     strings.Replace(valid, "    payment: {verbs: [转账], objects: [], needs_object: false}\n", "", 1),
		"renamed kind":     strings.Replace(valid, "payment:", "paid:", 1),
		"kind sans verbs":  strings.Replace(valid, "verbs: [买]", "verbs: []", 1),
		"object needed":    strings.Replace(valid, "objects: [验证码]", "objects: []", 1),
		"no greetings":     strings.Replace(valid, "greetings: [hi]", "greetings: []", 1),
		"no not_done cues": strings.Replace(valid, "not_done: [没]", "not_done: []", 1),
	} {
		if _, err := parse([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
