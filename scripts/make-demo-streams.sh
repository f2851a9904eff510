#!/usr/bin/env bash
# Makes the demo city's camera streams under public/streams/demo/ (committed: a fresh machine has
# no ffmpeg, and the hub serves them as static files from dist/streams/demo/ after `vite build`).
#
#   cam-1 … cam-4/index.m3u8   HLS VOD (1 s MPEG-TS segments, ENDLIST) for hls.js / native HLS.
#                              Segments are named .m2ts, not .ts: `eslint .` would parse *.ts files
#                              under public/ as TypeScript. Same format, same MIME (video/mp2t).
#   cam-5.flv                  HTTP-FLV file for mpegts.js
#
# All H.264 Constrained Baseline, 320x180, 15 fps, 6 s, a keyframe every second (so every segment
# starts with one and the player can loop or seek anywhere), no audio. Each clip has its own look
# so that switching cameras visibly switches the picture. The camera card loops VOD clips so a demo
# clip looks live.
#
# Usage: scripts/make-demo-streams.sh            (needs ffmpeg with libx264; Debian: apt-get install ffmpeg)
# Re-running replaces the files; the output is deterministic for one ffmpeg build.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=public/streams/demo
SIZE=320x180
FPS=15
SECONDS_LONG=6

command -v ffmpeg >/dev/null || { echo "ffmpeg not found (Debian: apt-get install -y ffmpeg)" >&2; exit 1; }

# A caption (camera label + running clock) when ffmpeg has drawtext and a font; plain sources
# otherwise: the clips stay valid either way.
FONT=$(fc-match -f '%{file}' 'DejaVu Sans Mono' 2>/dev/null || true)
# (grep without -q: -q would close the pipe early and pipefail would see ffmpeg's SIGPIPE.)
if [[ -n "$FONT" && -f "$FONT" ]] && ffmpeg -hide_banner -filters 2>/dev/null | grep ' drawtext ' >/dev/null; then
  HAS_CAPTION=1
else
  HAS_CAPTION=0
  echo "note: no drawtext filter or no DejaVu Sans Mono font: clips without captions" >&2
fi
caption() {
  local label=$1
  if [[ $HAS_CAPTION == 1 ]]; then
    printf ",drawtext=fontfile=%s:text='%s':x=6:y=h-th-6:fontsize=13:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=3" "$FONT" "$label"
    printf ",drawtext=fontfile=%s:text='%%{pts\\\\:hms}':x=w-tw-6:y=h-th-6:fontsize=12:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=3" "$FONT"
  fi
}

# Encoder settings shared by every clip: small, baseline, fixed GOP of one second.
X264=(-an -c:v libx264 -preset veryslow -profile:v baseline -level 3.0 -pix_fmt yuv420p
      -crf 30 -maxrate 220k -bufsize 440k
      -g "$FPS" -keyint_min "$FPS" -sc_threshold 0 -bf 0
      -fflags +bitexact -flags:v +bitexact -map_metadata -1)

hls() {
  local name=$1 source=$2 label=$3 pre=${4:-}
  rm -rf "${OUT:?}/$name" && mkdir -p "$OUT/$name"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$source" -t "$SECONDS_LONG" \
    -vf "${pre:+$pre,}format=yuv420p$(caption "$label")" \
    "${X264[@]}" \
    -f hls -hls_time 1 -hls_list_size 0 -hls_playlist_type vod \
    -hls_segment_filename "$OUT/$name/seg-%02d.m2ts" "$OUT/$name/index.m3u8"
}

mkdir -p "$OUT"
# testsrc2 draws its own clock in the top-left corner, where the card puts its "live" badge: crop it off.
hls cam-1 "testsrc2=size=320x240:rate=$FPS"                                   'DEMO CAM-1 HLS' 'crop=320:180:0:60'
hls cam-2 "smptehdbars=size=$SIZE:rate=$FPS"                                  'DEMO CAM-2 HLS'
hls cam-3 "mandelbrot=size=$SIZE:rate=$FPS:start_scale=2.5:end_scale=0.8"      'DEMO CAM-3 HLS'
hls cam-4 "life=size=$SIZE:rate=$FPS:mold=10:ratio=0.2:death_color=#1a2a40:life_color=#5fd1ff:seed=7" 'DEMO CAM-4 HLS'

# HTTP-FLV: the keyframe index lets mpegts.js seek back to the start when the card loops the clip.
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc=size=$SIZE:rate=$FPS" -t "$SECONDS_LONG" \
  -vf "format=yuv420p$(caption 'DEMO CAM-5 FLV')" \
  "${X264[@]}" \
  -f flv -flvflags add_keyframe_index "$OUT/cam-5.flv"

du -ab "$OUT" | sort -k2
echo "total: $(du -sb "$OUT" | cut -f1) bytes"
