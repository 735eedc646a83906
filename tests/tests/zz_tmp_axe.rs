#[tokio::test]
async fn show() {
    let b = socialbid_tests::Browser::start().await;
    b.goto("data:text/html,<html><title></title><img src=a.png><a href=x></a><div style='color:%23777;background:%23888'>low contrast text</div><button></button></html>").await.unwrap();
    eprintln!("{}", b.axe_check("demo page").await.unwrap_err());
}
