package classifier

import (
	"context"
	"testing"
)

// A scammer who signs off with an anti-fraud slogan must not have the
// demand before it taken back; a message that warns about a script still
// takes the script back.
func TestSignOffWarningDoesNotTakeBackADemand(t *testing.T) {
	c := embeddedClassifier(t)
	level := func(text string) Level {
		return c.Classify(context.Background(), Conversation{Messages: []Message{{From: SpeakerOther, Text: text}}}).Level
	}
	for _, tc := range []struct {
		text string
		want Level
	}{
		{"您好，我是淘宝客服，您的理赔需要先购买礼品卡，把卡号卡密发给我验证。谨防诈骗！", LevelScam},
		// Asking for the codes of cards is a hard stop in any context.
		{"Please buy two Apple gift cards and send me the codes. Beware of scams!", LevelScam},
		{"需要您先在借呗把额度借出来，转到我们的安全账户。温馨提示：谨防电信诈骗。", LevelSuspicious},
		// Honest messages that warn keep their warning.
		{"平台客服不会要求您购买礼品卡或提供验证码。谨防诈骗！", LevelNone},
		{"请在淘宝App订单页申请退款。谨防诈骗！", LevelNone},
		{"近期有人冒充公安，对方会说涉嫌洗钱要把钱转到安全账户。请大家记住：公安机关没有安全账户，不会电话办案。", LevelNone},
	} {
		if got := level(tc.text); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.text, got, tc.want)
		}
	}
}
