# SGLang for llama-3.1-70b on 4 x h200, DP1_TP4_PP1_EP1
python3 -m sglang.launch_server \
  --model-path meta-llama/Llama-3.1-70B-Instruct \
  --tp-size 4 \
  --mem-fraction-static 0.901 \
  --max-running-requests 4096 \
  --chunked-prefill-size 8192 \
  --context-length 2304
