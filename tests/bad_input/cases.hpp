#pragma once
// The bad-input cases (test_bad_input.cpp runs each): a command line with {placeholders}
// for the shared inputs, what its one error line must name, and the output that must not be
// left behind (or changed, when it existed). Placeholders:
//   {base} a good simulated file; {other} another one; {features} its DSP feature table;
//   {other_features} the feature table of {other}; {dir}/calib_v99.json calibration
//   parameters of an unknown format version;
//   {run} a trained run; {run_copy} a private copy of it; {out} this case's own output path;
//   {existing} a file that must not be replaced; {dir} the scratch directory; {empty_dir};
//   {bad_toml} a config with a syntax error; {locked} a directory whose run lock a live
//   process holds; {preset:NAME} configs/NAME.toml; {mut:KIND} a broken copy of {base}
//   (tests/io/mutations.hpp); {fix:KIND} an io fixture (tests/io/fixtures.hpp).
#include <vector>

namespace wl::test {

struct BadCase {
  const char* name;
  const char* command;
  const char* needle;
  const char* output;  // "" when the command writes nothing
};

// Training commands start from the smallest preset run.
#define WL_TRAIN "-q --threads 2 train --config {preset:seed-fcnet} --set train.epochs=1 "
#define WL_BDT "-q train --config {preset:bdt} --data {features} --set model.n_trees=5 "
#define WL_QUANTILE "-q --threads 2 train --config {preset:energy-quantile} --data {base} --out {out} --set train.epochs=1 "

inline const std::vector<BadCase>& bad_input_cases() {
  static const std::vector<BadCase> cases = {
      // Files: missing, not HDF5, rank, dtype, size, truncation.
      {"inspect_missing_file", "inspect {dir}/nope.h5", "nope.h5", ""},
      {"inspect_not_hdf5", "inspect {fix:not-hdf5}", "fixture-not-hdf5.h5", ""},
      {"inspect_directory", "inspect {empty_dir}", "empty_dir", ""},
      {"inspect_no_waveform", "inspect {fix:no-waveform}", "raw_waveform", ""},
      {"inspect_waveform_1d", "inspect {fix:waveform-1d}", "raw_waveform", ""},
      {"inspect_waveform_3d", "inspect {mut:waveform-3d}", "raw_waveform", ""},
      {"inspect_waveform_string", "inspect {mut:waveform-string}", "raw_waveform", ""},
      {"inspect_label_length", "inspect {fix:label-length}", "psd_label_dcr", ""},
      {"train_label_string", WL_TRAIN "--data {fix:label-string} --out {out} --set 'data.targets=[\"psd_label_lq\"]' --set data.energy_threshold_kev=0",
       "psd_label_lq", "{out}"},
      {"dsp_truncated", "-q dsp {mut:truncated} --out {out}", "truncated.h5", "{out}"},
      {"train_truncated", WL_TRAIN "--data {mut:truncated} --out {out}", "truncated.h5", "{out}"},
      {"predict_waveform_3d", "-q predict --model {run} --data {mut:waveform-3d} --out {out}", "raw_waveform", "{out}"},
      {"train_waveform_string", WL_TRAIN "--data {mut:waveform-string} --out {out}", "raw_waveform", "{out}"},
      {"train_zero_events", WL_TRAIN "--data {mut:zero-events} --out {out}", "zero-events.h5", "{out}"},
      {"dsp_zero_events", "-q dsp {mut:zero-events} --out {out}", "zero-events.h5", "{out}"},
      {"train_not_hdf5", WL_TRAIN "--data {fix:not-hdf5} --out {out}", "fixture-not-hdf5.h5", "{out}"},
      {"train_data_directory", WL_TRAIN "--data {empty_dir} --out {out}", "empty_dir", "{out}"},
      // Files: non-finite samples, label values, attributes.
      {"predict_nan_waveform", "-q predict --model {run} --data {mut:nan-waveform} --out {out}", "NaN", "{out}"},
      {"evaluate_nan_waveform", "-q evaluate --model {run} --data {mut:nan-waveform} --out {out}", "NaN", "{out}"},
      {"train_inf_waveform", WL_TRAIN "--data {mut:inf-waveform} --out {out}", "Inf", "{out}"},
      {"train_label_7", WL_TRAIN "--data {mut:label-7} --out {out}", "psd_label_low_avse", "{out}"},
      {"train_label_half", WL_TRAIN "--data {mut:label-half} --out {out}", "psd_label_low_avse", "{out}"},
      {"evaluate_label_nan", "-q evaluate --model {run} --data {mut:label-nan} --out {out}", "psd_label_low_avse",
       "{out}"},
      {"train_energy_nan", WL_TRAIN "--data {mut:energy-nan} --out {out}", "energy_label", "{out}"},
      {"inspect_dt_zero", "inspect {mut:dt-zero}", "sample_period_ns", ""},
      {"dsp_dt_negative", "-q dsp {mut:dt-negative} --out {out}", "sample_period_ns", "{out}"},
      {"train_dt_text", WL_TRAIN "--data {mut:dt-text} --out {out}", "'ten'", "{out}"},
      {"predict_dt_zero", "-q predict --model {run} --data {mut:dt-zero} --out {out}", "sample_period_ns", "{out}"},
      // Options: zero, negative, non-finite, huge.
      {"threads_negative", "--threads -1 inspect {base}", "--threads", ""},
      {"threads_huge", "--threads 100000 inspect {base}", "--threads", ""},
      {"predict_batch_zero", "-q predict --model {run} --data {base} --out {out} --batch-size 0", "--batch-size",
       "{out}"},
      {"predict_batch_huge", "-q predict --model {run} --data {base} --out {out} --batch-size 4000000000",
       "--batch-size", "{out}"},
      {"simulate_events_zero", "-q simulate --events 0 --out {out}", "--events", "{out}"},
      {"simulate_events_overflow", "-q simulate --events 99999999999999999999 --out {out}", "--events", "{out}"},
      {"simulate_events_2p31", "-q simulate --events 2147483648 --out {out}", "--events", "{out}"},
      {"simulate_samples_huge", "-q simulate --events 10 --samples 2000000000 --out {out}", "--samples", "{out}"},
      {"simulate_pileup_two", "-q simulate --events 10 --pileup-fraction 2 --out {out}", "--pileup-fraction",
       "{out}"},
      {"inspect_window_huge", "inspect {base} --window 0:100000000", "100000000", ""},
      {"inspect_window_reversed", "inspect {base} --window 5:2", "5:2", ""},
      {"inspect_window_negative", "inspect {base} --window -5:10", "-5:10", ""},
      {"dsp_dt_nan", "-q dsp {base} --out {out} --dt-ns nan", "--dt-ns", "{out}"},
      {"dsp_dt_negative_option", "-q dsp {base} --out {out} --dt-ns -1", "--dt-ns", "{out}"},
      {"dsp_tau_negative", "-q dsp {base} --out {out} --tau-ns -5", "--tau-ns", "{out}"},
      // --set values and configs.
      {"train_lr_inf", WL_TRAIN "--data {base} --out {out} --set train.lr=inf", "train.lr", "{out}"},
      {"train_lr_huge", WL_TRAIN "--data {base} --out {out} --set train.lr=1e30", "train.lr", "{out}"},
      {"train_lr_zero", WL_TRAIN "--data {base} --out {out} --set train.lr=0", "train.lr", "{out}"},
      {"train_lr_negative", WL_TRAIN "--data {base} --out {out} --set train.lr=-1", "train.lr", "{out}"},
      {"train_epochs_zero", "-q train --config {preset:seed-fcnet} --data {base} --out {out} --set train.epochs=0",
       "train.epochs", "{out}"},
      {"train_epochs_negative",
       "-q train --config {preset:seed-fcnet} --data {base} --out {out} --set train.epochs=-3", "train.epochs",
       "{out}"},
      {"train_epochs_text", "-q train --config {preset:seed-fcnet} --data {base} --out {out} --set train.epochs=ten",
       "train.epochs", "{out}"},
      {"train_batch_zero", WL_TRAIN "--data {base} --out {out} --set data.batch_size=0", "data.batch_size", "{out}"},
      {"train_batch_huge", WL_TRAIN "--data {base} --out {out} --set data.batch_size=99999999999", "data.batch_size",
       "{out}"},
      {"train_threshold_nan", WL_TRAIN "--data {base} --out {out} --set data.energy_threshold_kev=nan",
       "data.energy_threshold_kev", "{out}"},
      {"train_max_events_negative", WL_TRAIN "--data {base} --out {out} --set data.max_events=-1", "data.max_events",
       "{out}"},
      {"train_dropout_above_one", WL_TRAIN "--data {base} --out {out} --set model.dropout=1.5", "model.dropout",
       "{out}"},
      {"train_window_zero", WL_TRAIN "--data {base} --out {out} --set preprocess.window_length_ns=0",
       "preprocess.window_length_ns", "{out}"},
      {"train_window_huge", WL_TRAIN "--data {base} --out {out} --set preprocess.window_length_ns=1e12",
       "window", "{out}"},
      {"train_sample_period_zero", WL_TRAIN "--data {base} --out {out} --set data.sample_period_ns=0",
       "data.sample_period_ns", "{out}"},
      {"train_fraction_above_one", WL_TRAIN "--data {base} --out {out} --set data.train_fraction=1.5",
       "train_fraction", "{out}"},
      {"train_unknown_key", WL_TRAIN "--data {base} --out {out} --set train.epocs=3", "train.epocs", "{out}"},
      {"train_set_without_value", WL_TRAIN "--data {base} --out {out} --set train.lr", "train.lr", "{out}"},
      {"train_set_bad_toml", WL_TRAIN "--data {base} --out {out} --set train.lr=[1,", "train.lr", "{out}"},
      {"train_config_missing", "-q train --config {dir}/none.toml --data {base} --out {out}", "none.toml", "{out}"},
      {"train_config_directory", "-q train --config {empty_dir} --data {base} --out {out}", "empty_dir", "{out}"},
      {"train_config_syntax", "-q train --config {bad_toml} --data {base} --out {out}", "bad.toml", "{out}"},
      {"bdt_trees_zero", WL_BDT "--out {out} --set model.n_trees=0", "n_trees", "{out}"},
      {"svm_c_negative", "-q train --config {preset:svm} --data {features} --out {out} --set model.C=-1", "C",
       "{out}"},
      {"bdt_on_waveforms", "-q train --config {preset:bdt} --data {base} --out {out}", "base.h5", "{out}"},
      // model.task = "regression" (the GP only): its target column, the key's values.
      {"gp_regression_target_missing",
       "-q train --config {preset:gp-regression} --data {features} --out {out} --set task.label=truth_drift_time_ns",
       "truth_drift_time_ns", "{out}"},
      {"tabular_model_task_unknown", WL_BDT "--out {out} --set model.task=regresion", "model.task", "{out}"},
      {"bdt_regression_refused", WL_BDT "--out {out} --set model.task=regression", "model.task", "{out}"},
      // Models and runs named on the command line.
      {"predict_missing_model", "-q predict --model {dir}/none --data {base} --out {out}", "none", "{out}"},
      {"predict_model_not_a_run", "-q predict --model {empty_dir} --data {base} --out {out}", "empty_dir", "{out}"},
      {"evaluate_missing_model", "-q evaluate --model {dir}/none --out {out}", "none", "{out}"},
      {"evaluate_missing_data", "-q evaluate --model {run} --data {dir}/none.h5 --out {out}", "none.h5", "{out}"},
      {"compare_missing_run", "-q compare {run} {dir}/none --out {out}", "none", "{out}"},
      // Found by a second campaign: sizes, XGBoost parameters, outputs that are inputs, empty paths.
      {"train_model_too_large", WL_TRAIN "--data {base} --out {out} --set 'model.hidden=[100000000]'", "model",
       "{out}"},
      {"bdt_min_child_weight_negative", WL_BDT "--out {out} --set model.min_child_weight=-1", "min_child_weight",
       "{out}"},
      {"train_bootstrap_huge", WL_TRAIN "--data {base} --out {out} --set eval.bootstrap_replicas=100000000",
       "eval.bootstrap_replicas", "{out}"},
      {"compare_bootstrap_huge", "-q compare {run} --out {out} --bootstrap 2000000000", "--bootstrap", "{out}"},
      {"dsp_dt_tiny", "-q dsp {base} --out {out} --dt-ns 1e-6", "--dt-ns", "{out}"},
      {"dsp_max_events_negative", "-q dsp {base} --out {out} --max-events -5", "--max-events", "{out}"},
      {"dsp_out_is_input", "-q dsp {copy} --out {copy} --force", "is also an input", "{copy}"},
      {"predict_out_is_input", "-q predict --model {run} --data {copy} --out {copy} --force", "is also an input",
       "{copy}"},
      {"predict_out_is_the_model", "-q predict --model {run_copy} --data {base} --out {run_copy}/model.pt --force",
       "is also an input", "{run_copy}"},
      {"compare_into_a_run", "-q compare {run} --out {run_copy}", "is a run directory", "{run_copy}"},
      {"simulate_out_directory_forced", "-q simulate --events 10 --out {empty_dir} --force", "is a directory",
       "{empty_dir}"},
      {"simulate_out_empty", "-q simulate --events 10 --out ''", "--out", ""},
      {"inspect_empty_path", "inspect ''", "file", ""},
      {"train_out_empty", WL_TRAIN "--data {base} --out ''", "--out", ""},
      {"evaluate_data_empty", "-q evaluate --model {run} --data '' --out {out}", "--data", "{out}"},
      {"inspect_window_empty", "inspect {base} --window 5:5", "5:5", ""},
      {"inspect_min_energy_nan", "inspect {base} --min-energy nan", "--min-energy", ""},
      {"dsp_label_missing", "-q dsp {base} --out {out} --label nope", "'nope' (named by --label)", "{out}"},
      {"inspect_label_missing", "inspect {base} --label nope", "'nope' (named by --label)", ""},
      {"train_id_field_missing", WL_TRAIN "--data {base} --out {out} --set data.fields.id='\"nope\"'",
       "data.fields.id", "{out}"},
      {"predict_energy_inf", "-q predict --model {run} --data {mut:energy-inf} --out {out}", "Inf", "{out}"},
      {"lstm_layers_negative", "-q train --config {preset:lstm} --data {base} --out {out} --set model.rnn_layers=-1",
       "model.rnn_layers", "{out}"},
      {"resume_checkpoint_deleted", "-q train --out {run_copy_no_checkpoint} --resume", "checkpoint.pt",
       "{run_copy_no_checkpoint}"},
      {"simulate_seed_overflow", "-q simulate --events 10 --seed 18446744073709551616 --out {out}", "--seed", "{out}"},
      {"train_id_nan", WL_TRAIN "--data {mut:id-nan} --out {out} --set data.energy_threshold_kev=0",
       "not a whole-number event id", "{out}"},
      {"predict_id_half", "-q predict --model {run} --data {mut:id-half} --out {out}", "not a whole-number event id",
       "{out}"},
      {"dsp_detector_huge", "-q dsp {mut:detector-huge} --out {out}", "not a detector number", "{out}"},
      {"multitask_weights_zero",
       "-q train --config {preset:multitask} --data {base} --out {out} --set 'task.task_weights=[0,0,0,0,0]'",
       "task_weights", "{out}"},
      // Quantile levels: sorted, distinct, in (0, 1), the median among them.
      {"quantiles_unsorted", WL_QUANTILE "--set 'task.quantiles=[0.84,0.5,0.16]'", "task.quantiles", "{out}"},
      {"quantiles_repeated", WL_QUANTILE "--set 'task.quantiles=[0.16,0.5,0.5]'", "task.quantiles", "{out}"},
      {"quantiles_outside", WL_QUANTILE "--set 'task.quantiles=[0.16,0.5,1.2]'", "task.quantiles", "{out}"},
      {"quantiles_zero", WL_QUANTILE "--set 'task.quantiles=[0,0.5,0.84]'", "task.quantiles", "{out}"},
      {"quantiles_no_median", WL_QUANTILE "--set 'task.quantiles=[0.16,0.84]'", "task.quantiles", "{out}"},
      {"quantiles_not_numbers", WL_QUANTILE "--set 'task.quantiles=[\"low\",0.5]'", "task.quantiles", "{out}"},
      {"predict_preprocess_of_a_table", "-q predict --model {run} --data {base} --out {out} --preprocess {features}",
       "features.h5", "{out}"},
      // explain: methods, options, models.
      {"explain_unknown_method", "-q explain --model {run} --out {out} --methods saliency,foo", "'foo'", "{out}"},
      {"explain_tabular_method_on_network", "-q explain --model {run} --out {out} --methods tree_shap", "tree_shap",
       "{out}"},
      {"explain_attention_without_transformer", "-q explain --model {run} --out {out} --methods attention_rollout",
       "attention_rollout", "{out}"},
      {"explain_bad_baseline", "-q explain --model {run} --out {out} --baseline median", "--baseline", "{out}"},
      {"explain_ig_steps_zero", "-q explain --model {run} --out {out} --ig-steps 0", "--ig-steps", "{out}"},
      {"explain_occlusion_nan", "-q explain --model {run} --out {out} --occlusion-window-ns nan",
       "--occlusion-window-ns", "{out}"},
      {"explain_bad_events", "-q explain --model {run} --out {out} --events train", "--events", "{out}"},
      {"explain_unknown_target", "-q explain --model {run} --out {out} --target energy", "energy", "{out}"},
      {"explain_missing_model", "-q explain --model {dir}/none --out {out}", "none", "{out}"},
      {"explain_nan_waveform", "-q explain --model {run} --data {mut:nan-waveform} --out {out} --events all", "NaN",
       "{out}"},
      {"explain_out_proc", "-q explain --model {run} --out /proc/wl_bad_input_explain", "/proc/wl_bad_input_explain",
       ""},
      // Uncertainty: MC dropout, ensembles, conformal alpha, shifted detectors.
      {"predict_mc_without_dropout", "-q predict --model {run} --data {base} --out {out} --mc-samples 5",
       "model.dropout", "{out}"},
      {"predict_mc_one_sample", "-q predict --model {run} --data {base} --out {out} --mc-samples 1", "--mc-samples",
       "{out}"},
      {"evaluate_alpha_zero", "-q evaluate --model {run} --out {out} --alpha 0", "--alpha", "{out}"},
      {"evaluate_alpha_above_one", "-q evaluate --model {run} --out {out} --alpha 1.5", "--alpha", "{out}"},
      {"evaluate_alpha_nan", "-q evaluate --model {run} --out {out} --alpha nan", "--alpha", "{out}"},
      {"evaluate_shifted_missing", "-q evaluate --model {run} --out {out} --shifted {dir}/none.h5", "none.h5",
       "{out}"},
      {"train_ensemble_zero", WL_TRAIN "--data {base} --out {out} --set train.ensemble=0", "train.ensemble", "{out}"},
      {"train_ensemble_huge", WL_TRAIN "--data {base} --out {out} --set train.ensemble=1000", "train.ensemble",
       "{out}"},
      {"train_ensemble_bdt", WL_BDT "--out {out} --set train.ensemble=3", "train.ensemble", "{out}"},
      {"simulate_param_unknown", "-q simulate --events 10 --out {out} --param foo=1", "foo", "{out}"},
      {"simulate_param_text", "-q simulate --events 10 --out {out} --param electronics_tau_min_ns=slow",
       "electronics_tau_min_ns", "{out}"},
      {"simulate_param_out_of_range", "-q simulate --events 10 --out {out} --param electronics_tau_min_ns=-5",
       "electronics_tau_min_ns", "{out}"},
      {"simulate_param_no_value", "-q simulate --events 10 --out {out} --param max_sites", "max_sites", "{out}"},
      // Paths: special filesystems, missing directories, existing outputs.
      {"predict_out_proc", "-q predict --model {run} --data {base} --out /proc/wl_bad_input.h5",
       "/proc/wl_bad_input.h5", ""},
      {"train_out_proc", WL_TRAIN "--data {base} --out /proc/wl_bad_input_run", "/proc/wl_bad_input_run", ""},
      {"train_out_sys", WL_TRAIN "--data {base} --out /sys/wl_bad_input_run", "/sys/wl_bad_input_run", ""},
      {"simulate_out_sys", "-q simulate --events 10 --out /sys/wl_bad_input.h5", "/sys/wl_bad_input.h5", ""},
      {"dsp_out_proc", "-q dsp {base} --out /proc/wl_bad_input.h5", "/proc/wl_bad_input.h5", ""},
      {"evaluate_out_proc", "-q evaluate --model {run} --out /proc/wl_bad_input_eval", "/proc/wl_bad_input_eval", ""},
      {"predict_out_missing_dir", "-q predict --model {run} --data {base} --out {dir}/nodir/p.h5", "nodir",
       "{dir}/nodir"},
      {"predict_out_existing", "-q predict --model {run} --data {base} --out {existing}", "existing.h5", ""},
      {"simulate_out_existing", "-q simulate --events 10 --out {existing}", "existing.h5", ""},
      {"simulate_out_directory", "-q simulate --events 10 --out {empty_dir}", "empty_dir", "{empty_dir}"},
      {"train_out_is_a_file", WL_TRAIN "--data {base} --out {existing}", "existing.h5", ""},
      {"train_out_existing_run", WL_TRAIN "--data {base} --out {run}", "run", "{run}"},
      {"evaluate_out_existing_report", "-q evaluate --model {run} --out {run}", "report.html", "{run}"},
      // Two writers, and resuming what is not the same run.
      {"train_locked", WL_TRAIN "--data {base} --out {locked}", "in use by another wavelearn process", "{locked}"},
      {"evaluate_locked", "-q evaluate --model {run} --out {locked}", "in use by another wavelearn process", "{locked}"},
      {"resume_changed_set", "-q train --out {run_copy} --resume --set train.lr=0.5", "train.lr", "{run_copy}"},
      {"resume_other_data", "-q train --out {run_copy} --resume --data {other}", "data.file", "{run_copy}"},
      {"resume_missing_run", "-q train --out {dir}/no_run --resume", "no_run", "{dir}/no_run"},
      {"resume_tabular", WL_BDT "--out {out} --resume", "--resume", "{out}"},
      // Third campaign: joins of other files, parameters of other formats, fields that are
      // not (N,) datasets, config names that name nothing.
      {"compare_features_of_other_file", "-q compare {run} --features {other_features} --out {out}",
       "other_features.h5", "{out}"},
      {"compare_truth_of_other_file", "-q compare {run} --truth {other} --out {out}", "other.h5", "{out}"},
      {"calibrate_apply_version_99", "calibrate {features} --apply {dir}/calib_v99.json --labels {out}",
       "'version' is 99", "{out}"},
      {"inspect_label_group", "inspect {mut:label-group}", "'psd_label_dcr': is a group", ""},
      {"dsp_label_group", "-q dsp {mut:label-group} --out {out}", "'psd_label_dcr': is a group", "{out}"},
      {"inspect_zero_waveforms_with_labels", "inspect {mut:zero-waveforms}", "'raw_waveform' holds 0 events", ""},
      {"train_amplitude_targets_unknown",
       WL_TRAIN "--data {base} --out {out} --set 'preprocess.amplitude_targets=[\"energy_lable\"]'",
       "'preprocess.amplitude_targets': 'energy_lable'", "{out}"},
  };
  return cases;
}

#undef WL_TRAIN
#undef WL_BDT
#undef WL_QUANTILE

}  // namespace wl::test
