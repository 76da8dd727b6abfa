# SGLang for deepseek-r1 on 8 x h200, DP1_TP8_PP1_EP8
python3 -m sglang.launch_server \
  --model-path deepseek-ai/DeepSeek-R1 \
  --tp-size 8 \
  --ep-size 8 \
  --quantization fp8 \
  --mem-fraction-static 0.897 \
  --max-running-requests 4096 \
  --chunked-prefill-size 8192 \
  --context-length 2304
