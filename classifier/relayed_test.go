package classifier

import (
	"context"
	"testing"
)

// TestWhatAPersonTellsUsAlone: the sixth session's mechanisms for a
// person who writes to us alone, with nobody else's turn in the
// conversation. Each case failed before them.
func TestWhatAPersonTellsUsAlone(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name string
		text string
		want Level
	}{
		// Asking whether to act on what they describe relays the script,
		// with no "he said" in it.
		{"asks whether to pay, no reporting words", "家长群里班主任刚换了头像，发了个个人收款码，让每个家长交资料费198，扫完把截图发群里，我要扫吗", LevelScam},
		// A look-alike address in their own words is one they were sent.
		{"a disguised link in their own words", "亲戚群里有人发了个领补贴的链接 butie-shebao.top 说填银行卡就能领，这个能点吗", LevelScam},
		// A short line hands the quote over: the quote is the message.
		{"a quote handed over", "招聘的人私聊我的：“恭喜通过面试，入职前需要交岗前培训费980元，培训完全额退还，今晚前交清”", LevelScam},
		// A text pasted as it came, on one line.
		{"an sms on one line", "【ETC服务】您的ETC卡已失效，请于今日内登录 etc-renzheng.top 重新认证，逾期将停用。", LevelScam},
		// A notice passed on stays a warning.
		{"a notice on one line", "【反诈提醒】近期有人冒充ETC客服发短信称认证失效，诱导点击链接填写银行卡，请勿轻信。", LevelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(context.Background(), conv("me:"+tc.text))
			if v.Level != tc.want {
				t.Errorf("%s %.3f (frame %s), want %s", v.Level, v.Score, v.Frame, tc.want)
			}
		})
	}
}

// TestAClosedStoryThatAsksWhetherToGoOn: a refusal or a loss closes a
// story ("…不然之前的都拿不回来"), unless the teller, still in it now,
// asks whether to go on: that is a question about a live script.
func TestAClosedStoryThatAsksWhetherToGoOn(t *testing.T) {
	closed := frameCues{closure: true, reporting: true}
	if got := closed.frame(); got != FrameRetold {
		t.Fatalf("a closed story: %s, want retold", got)
	}
	asked := closed
	asked.question, asked.act, asked.ongoing = true, true, true
	if got := asked.frame(); got != FrameQuestion {
		t.Errorf("closed, but asked now whether to go on: %s, want question", got)
	}
	past := asked
	past.ongoing = false
	if got := past.frame(); got != FrameRetold {
		t.Errorf("closed and asked, nothing under way now: %s, want retold", got)
	}
}

// TestFullWidthSignsSplitWordsAsASCIIDoes: the word model reads
// "call2optout＝J5Q" as it reads "call2optout=J5Q".
func TestFullWidthSignsSplitWordsAsASCIIDoes(t *testing.T) {
	c := productionClassifier(t)
	ascii := c.WordFeatures(conv("Call MobileUpd8 on 08000839402 or call2optout=J5Q"))
	wide := c.WordFeatures(conv("Ｃａｌｌ ＭｏｂｉｌｅＵｐｄ８ ｏｎ ０８０００８３９４０２ ｏｒ ｃａｌｌ２ｏｐｔｏｕｔ＝Ｊ５Ｑ"))
	if len(ascii) != len(wide) {
		t.Fatalf("%d features in ASCII, %d in full width", len(ascii), len(wide))
	}
	for h, n := range ascii {
		if wide[h] != n {
			t.Fatalf("feature %x: %v in ASCII, %v in full width", h, n, wide[h])
		}
	}
}
