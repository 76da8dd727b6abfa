# SGLang for deepseek-r1 on 8 x h200, DP8_TP1_PP1_EP8
python3 -m sglang.launch_server \
  --model-path deepseek-ai/DeepSeek-R1 \
  --tp-size 8 \
  --dp-size 8 \
  --enable-dp-attention \
  --ep-size 8 \
  --quantization fp8 \
  --mem-fraction-static 0.77 \
  --max-running-requests 32768 \
  --chunked-prefill-size 65536 \
  --context-length 2304
