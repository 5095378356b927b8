"""The roadmap's Vietnamese words: actions, objective components, column labels."""

__all__ = ["ACTION_VI", "COMPONENT_VI", "LABELS_ROADMAP_VI"]

ACTION_VI = {"transfer": "Điều động", "retrain": "Đào tạo chuyển vị trí", "early_retirement": "Nghỉ hưu trước tuổi",
             "recruit": "Tuyển dụng", "retirement": "Nghỉ hưu đúng tuổi"}
COMPONENT_VI = {"end_surplus": "Số thừa còn lại cuối lộ trình", "shortage_years": "Tổng thiếu có trọng số qua các năm",
                "cost_vnd": "Tổng chi phí (đồng)", "persons_acted": "Số người được điều động/nghỉ hưu trước tuổi",
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
}
