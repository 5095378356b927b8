"""The roadmap's Vietnamese words: actions, objective components, column labels."""

__all__ = ["ACTION_VI", "COMPONENT_VI", "LABELS_ROADMAP_VI", "COMPARE_LABELS_VI", "COMPARE_DESCRIPTIONS_VI",
           "DECISION_VI"]

ACTION_VI = {"transfer": "Điều động", "retrain": "Đào tạo chuyển vị trí", "early_retirement": "Nghỉ hưu trước tuổi",
             "recruit": "Tuyển dụng", "retirement": "Nghỉ hưu đúng tuổi"}
COMPONENT_VI = {"end_surplus": "Số thừa còn lại cuối lộ trình", "shortage_years": "Tổng thiếu có trọng số qua các năm",
                "cost_vnd": "Tổng chi phí (đồng)", "persons_acted": "Số người được điều động/đào tạo chuyển vị trí/nghỉ hưu trước tuổi",
                "total_metres": "Tổng quãng đường điều động (m)"}
LABELS_ROADMAP_VI = {
    "action_no": "STT", "date": "Ngày hiệu lực", "action": "Biện pháp", "staff_id": "Mã công chức",
    "full_name": "Họ và tên", "position_code": "Mã vị trí việc làm", "to_position_code": "Vị trí việc làm mới",
    "from_unit": "Từ đơn vị", "to_unit": "Đến đơn vị", "km": "Khoảng cách (km)", "cost_vnd": "Chi phí (đồng)",
    "authority": "Thẩm quyền quyết định", "reason": "Lý do", "from_province": "Tỉnh đi", "to_province": "Tỉnh đến",
    "insurance_years_at_date": "Số năm đóng BHXH", "insurance_estimated": "BHXH ước tính",
    "unit_code": "Mã đơn vị", "quota": "Biên chế giao", "staff_pre": "Số có mặt trước",
    "departures": "Điều động đi", "early_retirements": "Nghỉ hưu trước tuổi", "arrivals": "Điều động đến",
    "recruits": "Tuyển dụng", "staff_after": "Số có mặt sau", "shortage_after": "Còn thiếu",
    "surplus_after": "Còn thừa", "province_code": "Mã tỉnh", "priority": "Mức ưu tiên",
    "lever": "Biện pháp", "count": "Số lượt", "year": "Năm",
    "training_months": "Thời gian đào tạo (tháng)", "training_cost_vnd": "Chi phí đào tạo (đồng)",
    "decision": "Quyết định của cấp có thẩm quyền",
}

# ---- roadmaps side by side (`staffing compare --roadmap`, optimizer.roadmap.compare)

#: Vietnamese labels of the roadmap comparison's columns (comparison.xlsx, report.html).
COMPARE_LABELS_VI = {
    "name": "Tên kịch bản", "provinces": "Các tỉnh lập kế hoạch (trống: cả nước)",
    "start_year": "Năm đầu", "end_year": "Năm cuối",
    "budget_vnd": "Ngân sách (đồng; trống: không giới hạn)", "recruit": "Cho phép tuyển dụng",
    "recruit_from_year": "Tuyển dụng từ năm", "early_retirement": "Cho phép nghỉ hưu trước tuổi",
    "max_recruits_per_province_per_year": "Tuyển tối đa mỗi tỉnh mỗi năm",
    "max_km": "Khoảng cách điều động tối đa (km)", "cross_province": "Cho phép điều động liên tỉnh",
    "quota_adjust_pct": "Điều chỉnh biên chế chung (%)",
    "quota_adjust_pct_by_province": "Điều chỉnh biên chế theo tỉnh (%)", "dataset": "Bộ dữ liệu",
    "status": "Trạng thái lời giải", "stopped_on": "Dừng ở thành phần",
    "end_surplus": COMPONENT_VI["end_surplus"], "shortage_years": COMPONENT_VI["shortage_years"],
    "cost_vnd": COMPONENT_VI["cost_vnd"], "persons_acted": COMPONENT_VI["persons_acted"],
    "total_km": "Tổng quãng đường điều động (km)",
    "surplus_before": "Thừa trước lộ trình", "shortage_before": "Thiếu trước lộ trình",
    "shortage_end": "Còn thiếu sau ngày quyết định cuối",
    "bound_end_surplus": "Cận: số thừa cuối lộ trình", "gap_end_surplus": "Gap: số thừa cuối lộ trình",
    "bound_shortage_years": "Cận: thiếu có trọng số qua các năm",
    "gap_shortage_years": "Gap: thiếu có trọng số qua các năm",
    "bound_cost_vnd": "Cận: tổng chi phí (đồng)", "gap_cost_vnd": "Gap: tổng chi phí",
    "transfers": "Số lượt điều động", "retrains": "Số lượt đào tạo chuyển vị trí",
    "early_retirements": "Số người nghỉ hưu trước tuổi", "recruits": "Số người tuyển dụng",
    "retirements": "Số người nghỉ hưu đúng tuổi",
    "cost_transfer_vnd": "Chi phí điều động (đồng)", "cost_retrain_vnd": "Chi phí đào tạo chuyển vị trí (đồng)",
    "cost_early_retirement_vnd": "Chi phí nghỉ hưu trước tuổi (đồng)",
    "cost_recruit_vnd": "Chi phí tuyển dụng (đồng)",
    "solve_seconds": "Thời gian giải (giây)", "wall_seconds": "Thời gian chạy kịch bản (giây)",
    "data_note": "Ghi chú về dữ liệu",
    # the sheet of figures by decision date
    "date": "Ngày quyết định", "surplus_after": "Còn thừa", "shortage_after": "Còn thiếu",
    "weighted_shortage_after": "Thiếu có trọng số",
}

#: What some columns mean (the workbook's notes); the others say it in their label.
COMPARE_DESCRIPTIONS_VI = {
    "budget_vnd": "Tổng ngân sách cho cả lộ trình; trống nghĩa là không giới hạn (--budget-vnd none).",
    "stopped_on": "Trống khi mọi thành phần mục tiêu đã chứng minh tối ưu; nếu không, thành phần mà bộ giải "
                  "dừng lại (hết thời gian), xem cận và gap.",
    "shortage_years": "Σ qua các ngày quyết định của Σ mức ưu tiên × số thiếu sau biện pháp của ngày đó.",
    "end_surplus": "Σ số thừa sau biện pháp của ngày quyết định cuối cùng (thành phần mục tiêu thứ nhất).",
    "gap_end_surplus": "(giá trị − cận) ÷ max(1, |giá trị|); 0 là tối ưu đã chứng minh.",
    "solve_seconds": "Thời gian của bộ giải (giây); thay đổi giữa các lần chạy.",
    "wall_seconds": "Thời gian cả quy trình của kịch bản, không kể đọc dữ liệu (giây); thay đổi giữa các lần chạy.",
}

#: the value of actions.csv's `decision` column (a planner's move decision, docs/contract.md §8)
DECISION_VI = {"move": "Điều động theo quyết định", "": ""}
