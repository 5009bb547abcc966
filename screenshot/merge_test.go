package screenshot

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"testing"

	"github.com/scamguard/scamguard/classifier"
)

func TestMerge(t *testing.T) {
	o := func(text string) Turn { return Turn{From: classifier.SpeakerOther, Text: text} }
	u := func(text string) Turn { return Turn{From: classifier.SpeakerUser, Text: text} }
	tests := []struct {
		name        string
		pages       [][]Turn
		want        []Turn
		wantOverlap int
	}{
		{"no overlap", [][]Turn{{o("您好，我是客服"), u("你好")}, {o("请下载这个软件")}},
			[]Turn{o("您好，我是客服"), u("你好"), o("请下载这个软件")}, 0},
		{"two turns scrolled, read with other punctuation and script", [][]Turn{
			{o("您好，我是客服"), u("对，怎么了？"), o("您的快递丢失了，我们双倍理赔")},
			{u("对,怎么了?"), o("您的快遞丟失了,我們雙倍理賠"), o("请提供支付宝账号")}},
			[]Turn{o("您好，我是客服"), u("对，怎么了？"), o("您的快递丢失了，我们双倍理赔"), o("请提供支付宝账号")}, 2},
		{"a bubble cut by the top of the next screenshot", [][]Turn{
			{o("第一条消息"), o("需要您先在借呗把额度借出来刷一下流水")},
			{o("刷一下流水"), o("然后购买礼品卡")}},
			[]Turn{o("第一条消息"), o("需要您先在借呗把额度借出来刷一下流水"), o("然后购买礼品卡")}, 1},
		{"a short bubble read in Simplified, then in Traditional", [][]Turn{
			{o("请问订单尾号是3307对吗？"), u("对，怎么了?")},
			{u("對,怎麼了?"), o("您的快递丢失了")}},
			[]Turn{o("请问订单尾号是3307对吗？"), u("对，怎么了?"), o("您的快递丢失了")}, 1},
		{"same words, other speaker: not an overlap", [][]Turn{{o("好的谢谢你")}, {u("好的谢谢你")}},
			[]Turn{o("好的谢谢你"), u("好的谢谢你")}, 0},
		{"one character misread", [][]Turn{{o("Please buy two Apple gift cards now")}, {o("Please buy two Apple gift cards n0w"), o("Send the codes")}},
			[]Turn{o("Please buy two Apple gift cards now"), o("Send the codes")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pages []Page
			for _, turns := range tt.pages {
				pages = append(pages, Page{Turns: turns, Chat: true})
			}
			got := Merge(pages)
			if len(got.Turns) != len(tt.want) || got.Overlap != tt.wantOverlap {
				t.Fatalf("Merge = %d turns (overlap %d), want %d (overlap %d):\n%s", len(got.Turns), got.Overlap, len(tt.want), tt.wantOverlap, describe(got.Turns))
			}
			for i := range tt.want {
				if got.Turns[i] != tt.want[i] {
					t.Errorf("turn %d = %+v, want %+v", i, got.Turns[i], tt.want[i])
				}
			}
		})
	}
}

func TestCleanBubble(t *testing.T) {
	tests := map[string]string{
		"对，怎么了？ 14:23":         "对，怎么了？",
		"OK I see 14:23 ✓✓":    "OK I see",
		"指导您。14:23 <FiGao":     "指导您。",
		"Call me at 9:30 PM":   "Call me at",
		"我们明天10:30 见面":         "我们明天10:30 见面",
		"14:23":                "",
		"利率只有1.5":              "利率只有1.5",
		"请在今天下午 3:05 前完成转账 ok": "请在今天下午 3:05 前完成转账 ok",
		"谢谢1423 vv":            "谢谢",
		"好的，稍等1423 VV":         "好的，稍等",
		"订单尾号是3307":            "订单尾号是3307",
		"验证码 9981 vv":          "验证码 9981 vv",
		"1423 vv":              "",
	}
	for in, want := range tests {
		if got := cleanBubble(in); got != want {
			t.Errorf("cleanBubble(%q) = %q, want %q", in, got, want)
		}
	}
}

// A picture with no text at all reads as nothing, so the caller can ask
// for a clearer one.
func TestBlankPictureReadsNothing(t *testing.T) {
	reader := New(requireOCR(t))
	img := image.NewRGBA(image.Rect(0, 0, 540, 960))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{0x30, 0x60, 0x90, 0xff}), image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	reading, err := reader.Read(context.Background(), [][]byte{buf.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if len(reading.Turns) != 0 || reading.Chars() != 0 {
		t.Errorf("read %d turns (%d characters) from a blank picture", len(reading.Turns), reading.Chars())
	}
}
