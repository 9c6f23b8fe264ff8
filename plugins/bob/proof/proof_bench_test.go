package proof

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchPhoto returns a 4000 x 3000 JPEG (12 megapixels) with gradients
// and fine texture, so it compresses as a photo does, not as a flat
// colour.
func benchPhoto(b *testing.B) []byte {
	b.Helper()
	const w, h = 4000, 3000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 128 + 60*math.Sin(float64(x)/37) + 40*math.Cos(float64(y)/23) + float64((x*7+y*13)%17)
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, v)))
		}
	}
	for y := 0; y < h/2; y++ {
		for x := 0; x < w/2; x++ {
			img.Cb[y*img.CStride+x] = uint8(x * 255 / (w / 2))
			img.Cr[y*img.CStride+x] = uint8(y * 255 / (h / 2))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// peakMemory samples the heap every millisecond until stopped, and reads
// the process's peak resident set from Linux, reset at the start where
// the kernel allows it.
type peakMemory struct {
	cpu      time.Duration // user and system time of the process at the start
	heap     atomic.Uint64
	stop     chan struct{}
	done     sync.WaitGroup
	rssReset bool
}

func startPeakMemory() *peakMemory {
	runtime.GC()
	debug.FreeOSMemory()
	p := &peakMemory{stop: make(chan struct{}), cpu: cpuTime()}
	// writing 5 to clear_refs resets VmHWM to the current resident set
	p.rssReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > p.heap.Load() {
				p.heap.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// report stops the sampling and reports the peaks in megabytes, and the
// process's processor time per op: on a shared machine the wall time
// includes waiting for a core, the processor time does not.
func (p *peakMemory) report(b *testing.B) {
	close(p.stop)
	p.done.Wait()
	b.ReportMetric(float64(cpuTime()-p.cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(p.heap.Load())/(1<<20), "peak-heap-MB")
	if hwm := vmHWM(); hwm > 0 {
		name := "peak-RSS-MB"
		if !p.rssReset {
			name = "peak-RSS-since-start-MB"
		}
		b.ReportMetric(float64(hwm)/(1<<20), name)
	}
}

// cpuTime returns the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM returns the process's peak resident set in bytes, 0 if unknown.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkA3PosterProof renders the proof PDF of an A3 poster with a
// 12-megapixel photo: decoding, cutting and scaling the photo, its JPEG,
// the fonts and the page. The target: under 400 ms and 150 MB.
func BenchmarkA3PosterProof(b *testing.B) {
	benchA3Poster(b, func(f Format, c Content) error {
		_, err := PDF(f, c, Options{Watermark: true})
		return err
	})
}

// BenchmarkA3PosterProofAndPreview renders the proof PDF and the phone
// preview together, as an order's proof step does with [Render].
func BenchmarkA3PosterProofAndPreview(b *testing.B) {
	benchA3Poster(b, func(f Format, c Content) error {
		_, err := Render(f, c, Options{Watermark: true}, 480)
		return err
	})
}

// BenchmarkA3PosterProofSideways is BenchmarkA3PosterProof with the photo
// stored sideways, EXIF orientation 6, as phones store a portrait photo.
func BenchmarkA3PosterProofSideways(b *testing.B) {
	benchA3Poster(b, func(f Format, c Content) error {
		_, err := PDF(f, c, Options{Watermark: true})
		return err
	}, 6)
}

// benchA3Poster times render on an A3 poster with a 12-megapixel photo,
// with the peaks of memory it reaches.
func benchA3Poster(b *testing.B, render func(Format, Content) error, orientation ...uint16) {
	photo := benchPhoto(b)
	if len(orientation) > 0 {
		photo = withEXIF(photo, orientation[0], binary.BigEndian)
	}
	c := dutchContent("poster", photo)
	f := demoFormats[2].format
	peak := startPeakMemory()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := render(f, c); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	peak.report(b)
}

// BenchmarkCheckLongText checks an A3 poster's text of 5000 characters
// that does not fit, the worst case of the order form's live check.
func BenchmarkCheckLongText(b *testing.B) {
	c := dutchContent("poster", nil)
	c.Text = truncateRunes(strings.Repeat("Buurtfeest in de Ĳsselstraat. ", 200), 5000)
	f := demoFormats[4].format
	b.ReportAllocs()
	for b.Loop() {
		if len(Check(f, c)) == 0 {
			b.Fatal("the text fits")
		}
	}
}
