"""Intent categories of the public customer-service corpora mapped onto ascolto's taxonomy.

Decided by the rules of ``docs/intent-guidelines.md``: a problem of one's own (an order, card,
account or refund to act on) is ``support``; wanting to buy or open something is ``purchase``;
an information request without a problem is ``question``. Categories with no fitting label
(commands to a voice assistant such as setting an alarm) map to ``other``; a few that are too
mixed to call are left out (absent from the table).
"""

from __future__ import annotations


def _table(**groups: str) -> dict[str, str]:
    """``label="cat1 cat2 ..."`` keyword groups -> {category: label}."""
    return {category: label for label, names in groups.items() for category in names.split()}


BITEXT = _table(
    purchase="create_account place_order delivery_options check_payment_methods",
    question="check_cancellation_fee check_refund_policy delivery_period",
    support="delete_account edit_account recover_password registration_problems switch_account "
    "contact_customer_service contact_human_agent check_invoice get_invoice cancel_order "
    "change_order track_order payment_issue get_refund track_refund change_shipping_address "
    "set_up_shipping_address newsletter_subscription",
    complaint="complaint",
)

BANKING77 = _table(
    purchase="getting_virtual_card get_physical_card order_physical_card getting_spare_card "
    "get_disposable_virtual_card",
    question="exchange_rate fiat_currency_support supported_cards_and_currencies age_limit "
    "card_acceptance visa_or_mastercard apple_pay_or_google_pay country_support top_up_limits "
    "disposable_card_limits why_verify_identity transfer_timing card_delivery_estimate "
    "exchange_charge top_up_by_card_charge cash_withdrawal_charge top_up_by_bank_transfer_charge "
    "receiving_money automatic_top_up exchange_via_app topping_up_by_card "
    "top_up_by_cash_or_cheque atm_support",
    support="card_arrival card_linking card_payment_wrong_exchange_rate extra_charge_on_statement "
    "pending_cash_withdrawal card_not_working lost_or_stolen_card pin_blocked "
    "contactless_not_working pending_top_up cancel_transfer wrong_amount_of_cash_received "
    "card_payment_fee_charged transfer_not_received_by_recipient top_up_reverted "
    "balance_not_updated_after_cheque_or_cash_deposit card_payment_not_recognised "
    "edit_personal_details unable_to_verify_identity compromised_card "
    "direct_debit_payment_not_recognised passcode_forgotten declined_cash_withdrawal "
    "pending_card_payment lost_or_stolen_phone request_refund declined_transfer "
    "Refund_not_showing_up declined_card_payment pending_transfer terminate_account "
    "card_swallowed transaction_charged_twice verify_source_of_funds reverted_card_payment? "
    "beneficiary_not_allowed transfer_fee_charged failed_transfer transfer_into_account "
    "verify_top_up top_up_failed balance_not_updated_after_bank_transfer "
    "cash_withdrawal_not_recognised wrong_exchange_rate_for_cash_withdrawal "
    "virtual_card_not_working card_about_to_expire activate_my_card change_pin "
    "verify_my_identity",
)

CLINC150 = _table(
    purchase="new_card order book_flight book_hotel car_rental restaurant_reservation",
    question="routing interest_rate min_payment bill_due bill_balance balance spending_history "
    "transactions replacement_card_duration expiration_date apr credit_limit rewards_balance "
    "application_status international_fees credit_score improve_credit_score redeem_rewards "
    "restaurant_reviews how_busy accept_reservations calories nutrition_info ingredients_list "
    "food_last flight_status carry_on travel_alert plug_type international_visa vaccines",
    support="freeze_account report_fraud account_blocked damaged_card report_lost_card "
    "card_declined credit_limit_change order_status lost_luggage cancel_reservation "
    "confirm_reservation",
    praise="thank_you",
    other="oos weather alarm date timer time calculator definition flip_coin roll_dice spelling "
    "greeting goodbye tell_joke fun_fact meaning_of_life what_is_your_name where_are_you_from "
    "how_old_are_you do_you_have_pets what_are_your_hobbies play_music what_song next_song "
    "traffic directions distance translate timezone recipe meal_suggestion",
)
