# TensorRT-LLM for llama-3.1-70b on 4 x h200, DP1_TP4_PP1_EP1
cat > extra-llm-api-config.yml <<'EOF'
enable_attention_dp: false
kv_cache_config:
  dtype: auto
EOF
trtllm-serve meta-llama/Llama-3.1-70B-Instruct \
  --backend pytorch \
  --tp_size 4 \
  --max_batch_size 2048 \
  --max_num_tokens 8192 \
  --max_seq_len 2304 \
  --kv_cache_free_gpu_memory_fraction 0.9 \
  --extra_llm_api_options extra-llm-api-config.yml
